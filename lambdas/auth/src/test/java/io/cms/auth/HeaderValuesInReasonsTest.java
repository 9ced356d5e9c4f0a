package io.cms.auth;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import io.cms.auth.testutils.AuthFixture;
import io.cms.local.oidc.LocalOidcIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token header's {@code kid} and {@code alg} are attacker-controlled; the rejection reason (logged
 * at INFO and returned) shows them only clipped and as printable ASCII, so a crafted header cannot
 * forge log lines or flood the log.
 */
class HeaderValuesInReasonsTest {

    private static AuthFixture fixture;
    private static TokenValidator validator;

    @BeforeAll
    static void start() throws Exception {
        fixture = new AuthFixture();
        validator = fixture.validator();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private ValidationResult validateWithKid(String kid) {
        LocalOidcIssuer issuer = fixture.issuer;
        return validator.validate(issuer.sign(issuer.header().keyID(kid).build(),
                issuer.accessTokenClaims("mallory", "mallory@example.com", Set.of(AuthSetupScopes.userScope("cms")))
                        .build()));
    }

    @Test
    void controlAndNonAsciiCharactersOfTheKidAreReplacedInTheReason() {
        ValidationResult result = validateWithKid("key-1\nINFO forged\r\u0000\u00e9");
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).contains("signing key key-1?INFO forged??? is not published")
                .doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void anOrdinaryKidIsShownAsItIs() {
        assertThat(validateWithKid("2024-rsa-key_01").message())
                .contains("signing key 2024-rsa-key_01 is not published");
    }

    @Test
    void aLongKidIsClippedToTheShownLength() {
        assertThat(validateWithKid("k".repeat(4_000)).message())
                .contains("signing key " + "k".repeat(TokenValidator.MAX_SHOWN_HEADER_CHARS) + "... is not published")
                .doesNotContain("k".repeat(TokenValidator.MAX_SHOWN_HEADER_CHARS + 1));
    }

    @Test
    void aLongAlgIsClippedToTheShownLength() {
        String header = "{\"alg\":\"" + "A".repeat(1000) + "\",\"kid\":\"k\"}";
        ValidationResult result = validator.validate(b64(header) + "." + b64("{}") + "." + b64("sig"));
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message())
                .contains("algorithm " + "A".repeat(TokenValidator.MAX_SHOWN_HEADER_CHARS) + "... is not allowed");
    }

    @Test
    void kidWithNewlineIsShownSanitisedAndClipped() {
        LocalOidcIssuer issuer = fixture.issuer;
        String kid = "evil\nINFO token accepted for admin" + "x".repeat(4000);
        String token = issuer.sign(issuer.header().keyID(kid).build(),
                issuer.accessTokenClaims("mallory", "mallory@example.com", Set.of(AuthSetupScopes.userScope("cms")))
                        .build());

        ValidationResult result = validator.validate(token);

        assertThat(result.validated()).isFalse();
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).contains("signing key evil?INFO token accepted for admin")
                .contains("...")
                .doesNotContain("\n")
                .doesNotContain("x".repeat(TokenValidator.MAX_SHOWN_HEADER_CHARS));
        assertThat(result.message().length()).isLessThan(200);
    }

    @Test
    void algWithNewlineIsShownSanitised() {
        String header = "{\"alg\":\"RS256\\nINFO forged\",\"kid\":\"k\"}";
        String token = b64(header) + "." + b64("{}") + "." + b64("sig");

        ValidationResult result = validator.validate(token);

        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).contains("algorithm RS256?INFO forged is not allowed").doesNotContain("\n");
    }

    private static String b64(String text) {
        return Base64URL.encode(text.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
