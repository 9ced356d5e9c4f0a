package io.cms.auth;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.FakeHttpEndpoint;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.local.oidc.LocalOidcIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key-set caching through the validator: the issuer's JWKS is served by a loopback endpoint the
 * tests can take down, and the validator's clock is moved by hand (tokens live for a day).
 */
class JwksCacheTest {

    private AuthFixture fixture;
    private FakeHttpEndpoint jwks;
    private MutableClock clock;
    private TokenValidator validator;
    private String token;

    @BeforeEach
    void setUp() {
        fixture = new AuthFixture();
        jwks = new FakeHttpEndpoint();
        jwks.respond(200, fixture.issuer.publicJwks().toString());
        clock = new MutableClock(Instant.now());
        ValidatorSettings s = fixture.settings().withJwksTimings(Duration.ofMinutes(60), Duration.ofSeconds(30));
        validator = fixture.validator(new ValidatorSettings(s.allowedAlgorithms(), s.clockSkew(), s.maxTokenChars(),
                Duration.ofDays(2), s.jwksTtl(), s.jwksMinRefreshInterval(), Duration.ofMillis(500), "http",
                jwks.url("/.well-known/jwks.json")), clock);
        token = fixture.issuer.sign(fixture.issuer.header().build(), fixture.issuer
                .accessTokenClaims("alice", "alice@example.com", Set.of(AuthSetupScopes.userScope("cms")))
                .expirationTime(java.util.Date.from(Instant.now().plus(Duration.ofDays(1)))).build());
    }

    @AfterEach
    void tearDown() {
        jwks.close();
        fixture.close();
    }

    @Test
    void fetchesTheKeySetOnceForManyTokens() {
        for (int i = 0; i < 5; i++) {
            assertThat(validator.validate(token).validated()).isTrue();
        }
        assertThat(jwks.requests()).hasSize(1);
    }

    @Test
    void keepsValidatingWithCachedKeysWhileTheEndpointIsDown() {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(503, "{}");
        clock.advance(Duration.ofMinutes(59));
        ValidationResult result = validator.validate(token);
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void keepsServingTheLastKeysWhenTheRefreshAfterTheTtlFails() {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(503, "{}");
        clock.advance(Duration.ofMinutes(61));
        for (int i = 0; i < 5; i++) {
            ValidationResult result = validator.validate(token);
            assertThat(result.validated()).as(result.message()).isTrue();
        }
        // One refresh attempt per minimum refresh interval, not one per token.
        assertThat(jwks.requests()).hasSize(2);
        clock.advance(Duration.ofSeconds(31));
        assertThat(validator.validate(token).validated()).isTrue();
        assertThat(jwks.requests()).hasSize(3);
    }

    @Test
    void servesStaleKeysWhenTheRefreshAnswersGarbage() {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(200, "<html>maintenance</html>");
        clock.advance(Duration.ofMinutes(61));
        ValidationResult result = validator.validate(token);
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void answers500OnceCachedKeysAreOlderThanTheMaxStaleAgeAndThenRecovers() throws Exception {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(503, "{}");
        clock.advance(JwksCache.MAX_STALE_AGE.minusMinutes(1));
        String longLived = tokenValidFor(fixture.issuer.signingKey(), fixture.issuer.signingKey().getKeyID());
        assertThat(validator.validate(longLived).validated()).isTrue();
        clock.advance(Duration.ofMinutes(2));
        ValidationResult result = validator.validate(longLived);
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.message()).contains("signing keys");

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated").generate();
        jwks.respond(200, new com.nimbusds.jose.jwk.JWKSet(rotated.toPublicJWK()).toString());
        clock.advance(Duration.ofSeconds(31));
        ValidationResult recovered = validator.validate(tokenValidFor(rotated, "rotated"));
        assertThat(recovered.validated()).as(recovered.message()).isTrue();
        assertThat(validator.validate(longLived).statusCode()).isEqualTo(401);
    }

    @Test
    void answers500ForAnUnknownKidWhileServingStaleKeys() throws Exception {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(503, "{}");
        clock.advance(Duration.ofMinutes(61));
        assertThat(validator.validate(token).validated()).isTrue();
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated").generate();
        assertThat(validator.validate(tokenValidFor(rotated, "rotated")).statusCode()).isEqualTo(500);
    }

    /** A token signed by {@code key} that is still valid on the test clock. */
    private String tokenValidFor(RSAKey key, String kid) {
        return LocalOidcIssuer.sign(key, fixture.issuer.header().keyID(kid).build(), fixture.issuer
                .accessTokenClaims("alice", null, Set.of(AuthSetupScopes.userScope("cms")))
                .expirationTime(java.util.Date.from(clock.instant().plus(Duration.ofHours(1)))).build());
    }

    @Test
    void answers500ForANewKeyWhileTheEndpointIsDown() throws Exception {
        assertThat(validator.validate(token).validated()).isTrue();
        jwks.respond(503, "{}");
        clock.advance(Duration.ofSeconds(31));
        ValidationResult result = validator.validate(fixture.issuer.sign(
                fixture.issuer.header().keyID("rotated-key").build(),
                fixture.issuer.accessTokenClaims("alice", null, Set.of(AuthSetupScopes.userScope("cms"))).build()));
        assertThat(result.statusCode()).isEqualTo(500);
    }

    @Test
    void answers500WhenTheKeySetIsNotJson() {
        jwks.respond(200, "<html>maintenance</html>");
        ValidationResult result = validator.validate(token);
        assertThat(result.statusCode()).isEqualTo(500);
    }

    @Test
    void answers500WhenTheEndpointIsTooSlow() {
        jwks.delay(2_000);
        ValidationResult result = validator.validate(token);
        assertThat(result.statusCode()).isEqualTo(500);
    }

    @Test
    void refreshesOnUnknownKidAtMostOncePerInterval() {
        assertThat(validator.validate(token).validated()).isTrue();
        String unknownKid = fixture.issuer.sign(fixture.issuer.header().keyID("random-kid").build(),
                fixture.issuer.accessTokenClaims("alice", null, Set.of(AuthSetupScopes.userScope("cms"))).build());
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 10; i++) {
            assertThat(validator.validate(unknownKid).statusCode()).isEqualTo(401);
        }
        assertThat(jwks.requests()).hasSize(2);
    }

    @Test
    void picksUpARotatedKeyOnRefresh() throws Exception {
        assertThat(validator.validate(token).validated()).isTrue();
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rotated").generate();
        jwks.respond(200, new com.nimbusds.jose.jwk.JWKSet(java.util.List.of(
                fixture.issuer.signingKey().toPublicJWK(), rotated.toPublicJWK())).toString());
        clock.advance(Duration.ofSeconds(31));
        String signedByRotated = LocalOidcIssuer.sign(rotated, fixture.issuer.header().keyID("rotated").build(),
                fixture.issuer.accessTokenClaims("alice", null, Set.of(AuthSetupScopes.userScope("cms"))).build());
        ValidationResult result = validator.validate(signedByRotated);
        assertThat(result.validated()).as(result.message()).isTrue();
    }

    @Test
    void concurrentFirstRequestsFetchTheKeySetOnce() throws Exception {
        jwks.delay(200);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<ValidationResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> validator.validate(token)));
            }
            for (var r : results) {
                assertThat(r.get().validated()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jwks.requests()).hasSize(1);
    }

    @Test
    void doesNotRetryAFailedFetchWithinTheRefreshInterval() {
        jwks.respond(503, "{}");
        for (int i = 0; i < 5; i++) {
            assertThat(validator.validate(token).statusCode()).isEqualTo(500);
        }
        assertThat(jwks.requests()).hasSize(1);
        jwks.respond(200, fixture.issuer.publicJwks().toString());
        clock.advance(Duration.ofSeconds(31));
        assertThat(validator.validate(token).validated()).isTrue();
    }
}
