package io.cms.auth;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.FakeHttpEndpoint;
import io.cms.local.oidc.LocalOidcIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of malicious tokens: each must come back {@code validated=false, status_code=401},
 * validated by the real validator against the local issuer over loopback HTTP.
 */
class TokenAttackSuiteTest {

    private static AuthFixture fixture;
    private static TokenValidator validator;
    private static RSAKey attackerKey;

    @BeforeAll
    static void start() throws Exception {
        fixture = new AuthFixture();
        validator = fixture.validator();
        attackerKey = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("attacker").generate();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static LocalOidcIssuer issuer() {
        return fixture.issuer;
    }

    private static JWTClaimsSet.Builder userClaims() {
        return issuer().accessTokenClaims("mallory", "mallory@example.com", Set.of(AuthSetupScopes.userScope("cms")));
    }

    private static String signed(JWTClaimsSet claims) {
        return issuer().sign(issuer().header().build(), claims);
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Arguments attack(String name, String expectedReason, Function<Void, String> token) {
        return Arguments.of(name, expectedReason, token);
    }

    static Stream<Arguments> maliciousTokens() {
        return Stream.of(
                attack("alg none, empty signature", "empty part", v -> new PlainJWT(userClaims().build()).serialize()),
                attack("alg none header with a signature part", "not a JWS header", v -> {
                    String valid = fixture.userToken("mallory");
                    String[] parts = valid.split("\\.");
                    return b64("{\"alg\":\"none\",\"kid\":\"" + issuer().signingKey().getKeyID() + "\"}") + "."
                            + parts[1] + "." + parts[2];
                }),
                attack("HS256 signed with the public key bytes", "HS256 is not allowed", v -> {
                    try {
                        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .keyID(issuer().signingKey().getKeyID()).build(), userClaims().build());
                        jwt.sign(new MACSigner(issuer().signingKey().toRSAPublicKey().getEncoded()));
                        return jwt.serialize();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                attack("PS256 (allowed family, not configured)", "PS256 is not allowed", v -> issuer().sign(
                        new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(issuer().signingKey().getKeyID()).build(),
                        userClaims().build())),
                attack("unknown kid", "not published", v -> issuer().sign(issuer().header().keyID("not-a-published-kid").build(),
                        userClaims().build())),
                attack("no kid", "no kid", v -> issuer().sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), userClaims().build())),
                attack("different key with the same kid", "signature does not verify", v -> LocalOidcIssuer.sign(attackerKey, issuer().header().build(),
                        userClaims().build())),
                attack("attacker key embedded as jwk header under the issuer's kid", "signature does not verify", v -> LocalOidcIssuer.sign(attackerKey,
                        issuer().header().jwk(attackerKey.toPublicJWK()).build(), userClaims().build())),
                attack("jku header pointing at the attacker's key set", "not published", v -> LocalOidcIssuer.sign(attackerKey,
                        issuer().header().keyID("attacker").jwkURL(java.net.URI.create("https://evil.example/jwks.json"))
                                .build(), userClaims().build())),
                attack("unknown critical header", "signature does not verify", v -> issuer().sign(issuer().header()
                        .criticalParams(Set.of("x-cms-ignore")).customParam("x-cms-ignore", true).build(),
                        userClaims().build())),
                attack("wrong issuer", "issuer", v -> signed(userClaims().issuer("https://evil.example").build())),
                attack("issuer with a suffix", "issuer", v -> signed(userClaims().issuer(issuer().issuerUrl() + ".evil.example").build())),
                attack("issuer with a path suffix", "issuer", v -> signed(userClaims().issuer(issuer().issuerUrl() + "/evil").build())),
                attack("issuer with a trailing slash", "issuer", v -> signed(userClaims().issuer(issuer().issuerUrl() + "/").build())),
                attack("issuer with a prefix", "issuer", v -> signed(userClaims().issuer("http://evil.example/" + issuer().issuerUrl())
                        .build())),
                attack("issuer with the other scheme", "issuer", v -> signed(userClaims().issuer("https://" + issuer().issuerDomain())
                        .build())),
                attack("missing issuer", "issuer", v -> signed(userClaims().issuer(null).build())),
                attack("wrong audience (client_id valid)", "audience is not accepted", v -> signed(userClaims().audience("another-client").build())),
                attack("audience only in a non-configured claim", "no accepted audience", v -> signed(userClaims().claim("client_id", null)
                        .claim("azp", LocalOidcIssuer.usersClientId("cms")).build())),
                attack("client_id not accepted", "no accepted audience", v -> signed(userClaims().claim("client_id", "rogue-client").build())),
                attack("client_id not a string", "no accepted audience", v -> signed(userClaims().claim("client_id",
                        List.of(LocalOidcIssuer.usersClientId("cms"))).build())),
                attack("expired", "expired", v -> signed(userClaims().expirationTime(Date.from(Instant.now().minusSeconds(300))).build())),
                attack("not yet valid", "not valid yet", v -> signed(userClaims().notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build())),
                attack("issued in the future", "in the future", v -> signed(userClaims().issueTime(Date.from(Instant.now().plusSeconds(300)))
                        .build())),
                attack("missing exp", "no exp", v -> signed(userClaims().expirationTime(null).build())),
                attack("exp not a number", "not a well-formed JWT", v -> signed(userClaims().expirationTime(null).claim("exp", "never").build())),
                attack("ID token (token_use=id) carrying a user scope", "token_use is not access",
                        v -> signed(userClaims().claim("token_use", "id").build())),
                attack("token_use of another kind", "token_use is not access",
                        v -> signed(userClaims().claim("token_use", "refresh").build())),
                attack("token_use not a string", "token_use is not access",
                        v -> signed(userClaims().claim("token_use", List.of("access")).build())),
                attack("scope missing", "scopes", v -> signed(userClaims().claim("scope", null).build())),
                attack("only unknown scopes", "scopes", v -> signed(userClaims().claim("scope", "admin superuser").build())),
                attack("users-client token with only openid and email (no user scope)", "scopes",
                        v -> issuer().mintAccessToken("mallory", "mallory@example.com", Set.of("openid", "email"))),
                attack("tampered payload with the original signature", "signature does not verify", v -> {
                    String[] parts = fixture.userToken("mallory").split("\\.");
                    String forged = b64(userClaims().claim("username", "admin").build().toString());
                    return parts[0] + "." + forged + "." + parts[2];
                }),
                attack("truncated", "signature does not verify", v -> {
                    String t = fixture.userToken("mallory");
                    return t.substring(0, t.length() - 12);
                }),
                attack("signature removed", "empty part", v -> {
                    String t = fixture.userToken("mallory");
                    return t.substring(0, t.lastIndexOf('.') + 1);
                }),
                attack("two parts", "three parts", v -> {
                    String t = fixture.userToken("mallory");
                    return t.substring(0, t.lastIndexOf('.'));
                }),
                attack("four parts", "three parts", v -> fixture.userToken("mallory") + ".AAAA"),
                attack("non-base64 garbage", "outside base64url", v -> "!!!.@@@.###"),
                attack("header not JSON", "not a JWS header", v -> b64("not json") + "." + b64("{}") + ".AAAA"),
                attack("whitespace inside", "outside base64url", v -> {
                    String t = fixture.userToken("mallory");
                    return t.substring(0, 10) + " " + t.substring(10);
                }),
                attack("empty string", "empty", v -> ""),
                attack("huge token (1 MB)", "longer than", v -> "A".repeat(500_000) + "." + "B".repeat(500_000) + ".C"),
                attack("JWE instead of JWS", "JWE", v -> {
                    try {
                        JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                                .keyID(issuer().signingKey().getKeyID()).type(JOSEObjectType.JWT).build(),
                                new Payload(userClaims().build().toJSONObject()));
                        jwe.encrypt(new RSAEncrypter(issuer().signingKey().toRSAPublicKey()));
                        return jwe.serialize();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousTokens")
    void rejectsMaliciousToken(String name, String expectedReason, Function<Void, String> token) {
        ValidationResult result = validator.validate(token.apply(null));
        assertThat(result.validated()).as(name).isFalse();
        assertThat(result.statusCode()).as(name + ": " + result.message()).isEqualTo(401);
        assertThat(result.message()).as(name).contains(expectedReason);
        assertThat(result.claims()).isNull();
    }

    @Test
    void tableHoldsAtLeastTwentyAttacks() {
        assertThat(maliciousTokens().count()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void rejectsNullToken() {
        assertThat(validator.validate(null).statusCode()).isEqualTo(401);
    }

    @Test
    void acceptsValidUserToken() throws Exception {
        ValidationResult result = validator.validate(fixture.userToken("alice"));
        assertThat(result.validated()).as(result.message()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.message()).isEqualTo(ValidationResult.SUCCESS_MESSAGE);
        assertThat(result.claims().getStringClaim("username")).isEqualTo("alice");
    }

    @Test
    void acceptsValidServiceToken() {
        ValidationResult result = validator.validate(fixture.serviceToken());
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void acceptsTokenWithAcceptedAudienceClaim() {
        ValidationResult result = validator.validate(signed(userClaims().audience(LocalOidcIssuer.usersClientId("cms"))
                .claim("client_id", null).build()));
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void acceptsTokenExpiredWithinClockSkew() {
        ValidationResult result = validator.validate(signed(userClaims()
                .expirationTime(Date.from(Instant.now().minusSeconds(10))).build()));
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void rejectsTokenExpiredWithinSkewWhenSkewIsZero() {
        TokenValidator strict = fixture.validator(fixture.settings().withClockSkew(java.time.Duration.ZERO),
                java.time.Clock.systemUTC());
        ValidationResult result = strict.validate(signed(userClaims()
                .expirationTime(Date.from(Instant.now().minusSeconds(10))).build()));
        assertThat(result.statusCode()).isEqualTo(401);
    }

    @Test
    void rejectsIdTokenFromTheIssuer() {
        ValidationResult result = validator.validate(issuer().mintIdToken("alice", "alice@example.com"));
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).contains("token_use is not access");
    }

    @Test
    void acceptsAccessTokenWithoutTokenUse() {
        ValidationResult result = validator.validate(signed(userClaims().claim("token_use", null).build()));
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void rejectsAlgorithmOtherThanTheKeyDeclares() throws Exception {
        // ES256 allowed, but the kid names the issuer's key, published with "alg": "RS256".
        ValidationResult result = validatorAllowing(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), null)
                .validate(es256WithIssuerKid());
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).contains("is for RS256, not ES256");
    }

    @Test
    void rejectsKeyTypeThatDoesNotMatchTheAlgorithm() throws Exception {
        // The same attack against a key set whose RSA key declares no "alg": the key type decides.
        RSAKey noAlg = new RSAKey.Builder(issuer().signingKey().toRSAPublicKey())
                .keyID(issuer().signingKey().getKeyID()).build();
        try (FakeHttpEndpoint jwks = new FakeHttpEndpoint()) {
            jwks.respond(200, new com.nimbusds.jose.jwk.JWKSet(noAlg).toString());
            ValidationResult result = validatorAllowing(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    jwks.url("/jwks.json")).validate(es256WithIssuerKid());
            assertThat(result.statusCode()).isEqualTo(401);
            assertThat(result.message()).contains("does not match");
        }
    }

    private static TokenValidator validatorAllowing(Set<JWSAlgorithm> algs, String jwksUrl) {
        ValidatorSettings d = fixture.settings();
        return fixture.validator(new ValidatorSettings(algs, d.clockSkew(), d.maxTokenChars(), d.configTtl(), d.jwksTtl(),
                d.jwksMinRefreshInterval(), d.httpTimeout(), "http", jwksUrl), java.time.Clock.systemUTC());
    }

    private static String es256WithIssuerKid() throws Exception {
        var ecKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuer().signingKey().getKeyID())
                .build(), userClaims().build());
        jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(ecKey));
        return jwt.serialize();
    }

    @Test
    void reasonNamesWhyTheTokenFailed() {
        ValidationResult result = validator.validate(signed(userClaims().issuer("https://evil.example").build()));
        assertThat(result.message()).contains("issuer");
    }
}
