package io.cms.auth;

import com.nimbusds.jose.JWSAlgorithm;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.SecureEndpoints;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How strictly tokens are checked. Every value has a safe default and an environment variable.
 *
 * @param allowedAlgorithms accepted JWS algorithms ({@code AUTH_ALLOWED_ALGORITHMS}, default RS256);
 *        only asymmetric RSA/EC algorithms may be named
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} ({@code AUTH_CLOCK_SKEW_SECONDS}, default 30 s)
 * @param maxTokenChars tokens longer than this are rejected before any parsing ({@code AUTH_MAX_TOKEN_CHARS}, default 16384)
 * @param configTtl how long the IdP config is cached ({@code AUTH_CONFIG_TTL_SECONDS}, default 600 s)
 * @param jwksTtl how long fetched signing keys stay usable without a refresh ({@code AUTH_JWKS_TTL_SECONDS}, default 3600 s)
 * @param jwksMinRefreshInterval at most one JWKS fetch per this interval on unknown {@code kid}s
 *        ({@code AUTH_JWKS_MIN_REFRESH_SECONDS}, default 30 s)
 * @param httpTimeout connect and read timeout of JWKS fetches ({@code AUTH_HTTP_TIMEOUT_SECONDS}, default 5 s)
 * @param issuerScheme the scheme before {@code iss_domain} ({@code ISSUER_SCHEME}, default https; {@code http}
 *        is accepted only for a loopback issuer such as CMS Local's)
 * @param jwksUrlOverride fetch keys here instead of {@code {issuer}/.well-known/jwks.json} ({@code JWKS_URL}, default none);
 *        https, or http only on loopback
 */
public record ValidatorSettings(Set<JWSAlgorithm> allowedAlgorithms, Duration clockSkew, int maxTokenChars,
                                Duration configTtl, Duration jwksTtl, Duration jwksMinRefreshInterval,
                                Duration httpTimeout, String issuerScheme, String jwksUrlOverride) {

    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    public ValidatorSettings {
        allowedAlgorithms = Set.copyOf(allowedAlgorithms);
        if (allowedAlgorithms.isEmpty()) {
            throw new ConfigurationException("AUTH_ALLOWED_ALGORITHMS must name at least one algorithm");
        }
        for (JWSAlgorithm alg : allowedAlgorithms) {
            if (!ASYMMETRIC.contains(alg)) {
                throw new ConfigurationException("AUTH_ALLOWED_ALGORITHMS may only name asymmetric algorithms "
                        + "(RS*, PS*, ES*), got " + alg);
            }
        }
        Objects.requireNonNull(clockSkew);
        requirePositive(configTtl, "AUTH_CONFIG_TTL_SECONDS");
        requirePositive(jwksTtl, "AUTH_JWKS_TTL_SECONDS");
        requirePositive(httpTimeout, "AUTH_HTTP_TIMEOUT_SECONDS");
        Objects.requireNonNull(jwksMinRefreshInterval);
        if (!"https".equals(issuerScheme) && !"http".equals(issuerScheme)) {
            throw new ConfigurationException("ISSUER_SCHEME must be https or http, got '" + issuerScheme + "'");
        }
        if (jwksUrlOverride != null) {
            // Signing keys decide which tokens are trusted: fetch them only over https, or http on loopback.
            SecureEndpoints.require(jwksUrlOverride, "JWKS_URL");
        }
    }

    private static void requirePositive(Duration d, String variable) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigurationException(variable + " must be a positive number of seconds, got " + d);
        }
    }

    /** The defaults. */
    public static ValidatorSettings defaults() {
        return fromEnvironment(EnvConfig.of(java.util.Map.of()));
    }

    /** Reads the settings; a bad value is a {@link ConfigurationException} naming the variable. */
    public static ValidatorSettings fromEnvironment(EnvConfig env) {
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        for (String name : env.list("AUTH_ALLOWED_ALGORITHMS", List.of("RS256"))) {
            algs.add(JWSAlgorithm.parse(name.trim()));
        }
        String jwksUrl = env.optional("JWKS_URL", null);
        return new ValidatorSettings(
                algs,
                env.seconds("AUTH_CLOCK_SKEW_SECONDS", Duration.ofSeconds(30)),
                env.integer("AUTH_MAX_TOKEN_CHARS", 16_384, 1_024, 65_536),
                env.seconds("AUTH_CONFIG_TTL_SECONDS", Duration.ofMinutes(10)),
                env.seconds("AUTH_JWKS_TTL_SECONDS", Duration.ofHours(1)),
                env.seconds("AUTH_JWKS_MIN_REFRESH_SECONDS", Duration.ofSeconds(30)),
                env.seconds("AUTH_HTTP_TIMEOUT_SECONDS", Duration.ofSeconds(5)),
                env.optional("ISSUER_SCHEME", "https"),
                jwksUrl == null || jwksUrl.isBlank() ? null : jwksUrl.trim());
    }

    /** A copy with another clock skew. */
    public ValidatorSettings withClockSkew(Duration skew) {
        return new ValidatorSettings(allowedAlgorithms, skew, maxTokenChars, configTtl, jwksTtl, jwksMinRefreshInterval,
                httpTimeout, issuerScheme, jwksUrlOverride);
    }

    /** A copy with other JWKS timings. */
    public ValidatorSettings withJwksTimings(Duration ttl, Duration minRefresh) {
        return new ValidatorSettings(allowedAlgorithms, clockSkew, maxTokenChars, configTtl, ttl, minRefresh,
                httpTimeout, issuerScheme, jwksUrlOverride);
    }

    /** A copy with another issuer scheme ({@code http} for a loopback issuer). */
    public ValidatorSettings withIssuerScheme(String scheme) {
        return new ValidatorSettings(allowedAlgorithms, clockSkew, maxTokenChars, configTtl, jwksTtl,
                jwksMinRefreshInterval, httpTimeout, scheme, jwksUrlOverride);
    }
}
