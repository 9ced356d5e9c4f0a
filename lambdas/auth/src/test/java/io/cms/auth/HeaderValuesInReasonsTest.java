package io.cms.auth;

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

    @Test
    void printableReplacesControlAndNonAsciiCharacters() {
        assertThat(TokenValidator.printable("key-1\nINFO forged\r\u0000é")).isEqualTo("key-1?INFO forged???");
    }

    @Test
    void printableClipsLongValues() {
        String shown = TokenValidator.printable("k".repeat(16_000));
        assertThat(shown).isEqualTo("k".repeat(TokenValidator.MAX_SHOWN_HEADER_CHARS) + "...");
    }

    @Test
    void printableKeepsOrdinaryValues() {
        assertThat(TokenValidator.printable("2024-rsa-key_01")).isEqualTo("2024-rsa-key_01");
        assertThat(TokenValidator.printable(null)).isEqualTo("null");
    }

    @Test
    void kidWithNewlineIsShownSanitisedAndClipped() {
        LocalOidcIssuer issuer = fixture.issuer;
        String kid = "evil\nINFO token accepted for admin" + "x".repeat(4000);
        String token = issuer.sign(issuer.header().keyID(kid).build(),
                issuer.accessTokenClaims("mallory", "mallory@example.com", Set.of(LocalOidcIssuer.userScope("cms")))
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
