package io.cms.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.cms.lambda.common.Printable;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.SecureEndpoints;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates bearer access tokens against the Auth Setup IdP config. Checks, cheapest first:
 * size, shape (three base64url parts, so JWE and unsecured tokens fail here), header (allowed
 * asymmetric algorithm, {@code kid} present), then config and key lookup, key type and algorithm
 * agreement, signature, {@code exp} (required), {@code nbf}, {@code iat}, exact issuer,
 * {@code token_use} (when present, must be {@code access}), audience (or the alternate audience
 * claim), scope. Every failure is a {@link ValidationResult}, never an
 * exception: bad tokens are 401, an unreadable config or unreachable key set is 500.
 * Tokens are never logged.
 */
public final class TokenValidator {

    private static final Logger LOG = LoggerFactory.getLogger(TokenValidator.class);

    private final IdpConfigProvider configs;
    private final JwksCache jwks;
    private final ValidatorSettings settings;
    private final Clock clock;

    public TokenValidator(IdpConfigProvider configs, JwksCache jwks, ValidatorSettings settings, Clock clock) {
        this.configs = configs;
        this.jwks = jwks;
        this.settings = settings;
        this.clock = clock;
    }

    /** Validator and caches for one identity provider, wired from the settings (secret ARN read from SSM). */
    public static TokenValidator create(AuthSecrets secrets, String identityProviderId, ValidatorSettings settings,
                                        Clock clock) {
        return create(secrets, identityProviderId, null, settings, clock);
    }

    /**
     * Validator and caches for one identity provider.
     *
     * @param secretArn the IdP-config secret ARN when known (skips the SSM read), or null
     */
    public static TokenValidator create(AuthSecrets secrets, String identityProviderId, String secretArn,
                                        ValidatorSettings settings, Clock clock) {
        return new TokenValidator(
                new IdpConfigProvider(secrets, identityProviderId, secretArn, settings.configTtl(), clock),
                new JwksCache(settings.jwksTtl(), settings.jwksMinRefreshInterval(), settings.httpTimeout(), clock),
                settings, clock);
    }

    /** Validates {@code token} (the bare JWT, without {@code Bearer }). */
    public ValidationResult validate(String token) {
        try {
            return check(token);
        } catch (ConfigurationException e) {
            LOG.error("token validation unavailable: {}", e.getMessage());
            return ValidationResult.unavailable("identity provider configuration cannot be read");
        } catch (JwksUnavailableException e) {
            LOG.error("token validation unavailable: {}", e.getMessage());
            return ValidationResult.unavailable("identity provider signing keys cannot be fetched");
        } catch (RuntimeException e) {
            // A library surprise on hostile input must still be a clean rejection, not an invocation error.
            LOG.warn("token rejected by an unexpected parser error: {}", Printable.clip(e.toString(), 200));
            return ValidationResult.invalid("malformed token");
        }
    }

    private ValidationResult check(String token) {
        if (token == null || token.isEmpty()) {
            return reject("token is empty");
        }
        if (token.length() > settings.maxTokenChars()) {
            return reject("token is longer than " + settings.maxTokenChars() + " characters");
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64Url(c)) {
                return reject("token contains characters outside base64url");
            }
        }
        if (dots == 4) {
            return reject("encrypted tokens (JWE) are not accepted");
        }
        if (dots != 2) {
            return reject("token must have three parts");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        if (first == 0 || second == first + 1 || second == token.length() - 1) {
            return reject("token has an empty part");
        }

        JWSHeader header;
        try {
            header = JWSHeader.parse(new Base64URL(token.substring(0, first)));
        } catch (ParseException e) {
            return reject("header is not a JWS header");
        }
        JWSAlgorithm alg = header.getAlgorithm();
        if (!settings.allowedAlgorithms().contains(alg)) {
            return reject("algorithm " + Printable.clip(String.valueOf(alg), MAX_SHOWN_HEADER_CHARS) + " is not allowed");
        }
        String kid = header.getKeyID();
        if (kid == null || kid.isEmpty()) {
            return reject("header has no kid");
        }
        // The kid is attacker-controlled (any JSON string, up to the token size): only a clipped,
        // printable form goes into the reason, which is logged and returned.
        String shownKid = Printable.clip(kid, MAX_SHOWN_HEADER_CHARS);

        IdpConfig config = configs.get();
        String issuer = expectedIssuer(settings.issuerScheme(), config);
        String jwksUrl = settings.jwksUrlOverride() != null ? settings.jwksUrlOverride()
                : issuer + "/.well-known/jwks.json";

        JWK jwk = jwks.key(jwksUrl, kid);
        if (jwk == null) {
            return reject("signing key " + shownKid + " is not published by the issuer");
        }
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return reject("key " + shownKid + " is not a signing key");
        }
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(alg)) {
            return reject("key " + shownKid + " is for " + jwk.getAlgorithm() + ", not " + alg);
        }
        JWSVerifier verifier;
        try {
            verifier = verifier(alg, jwk);
        } catch (JOSEException e) {
            return reject("key " + shownKid + " cannot verify " + alg);
        }
        if (verifier == null) {
            return reject("key type " + jwk.getKeyType() + " does not match algorithm " + alg);
        }

        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            if (!jwt.verify(verifier)) {
                return reject("signature does not verify");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return reject("token is not a well-formed JWT");
        } catch (JOSEException e) {
            return reject("signature cannot be verified");
        }
        return checkClaims(claims, config, issuer);
    }

    private ValidationResult checkClaims(JWTClaimsSet claims, IdpConfig config, String issuer) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return reject("token has no exp");
        }
        if (now.minus(settings.clockSkew()).isAfter(exp.toInstant())) {
            return reject("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(settings.clockSkew()))) {
            return reject("token is not valid yet");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(settings.clockSkew()))) {
            return reject("token is issued in the future");
        }
        if (!issuer.equals(claims.getIssuer())) {
            return reject("issuer is not " + issuer);
        }
        // Cognito and the local issuer mark every token; an ID token (token_use=id) must not authorize API calls.
        Object tokenUse = claims.getClaim("token_use");
        if (tokenUse != null && !"access".equals(tokenUse)) {
            return reject("token_use is not access");
        }
        List<String> aud = claims.getAudience();
        if (aud != null && !aud.isEmpty()) {
            if (aud.stream().noneMatch(config.auds()::contains)) {
                return reject("audience is not accepted");
            }
        } else {
            String key = config.alternateAudKey();
            Object alternate = key.isEmpty() ? null : claims.getClaim(key);
            if (!(alternate instanceof String s) || !config.auds().contains(s)) {
                return reject("token has no accepted audience");
            }
        }
        Set<String> scopes = scopes(claims);
        if (scopes.stream().noneMatch(config.scopes()::contains)) {
            return reject("token carries none of the accepted scopes");
        }
        return ValidationResult.valid(claims);
    }

    /** The token's scopes: the space-separated {@code scope} claim (or a string array). */
    public static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s) {
            return Set.of(s.trim().isEmpty() ? new String[0] : distinct(s.trim().split("\\s+")));
        }
        if (scope instanceof List<?> list) {
            return Set.of(distinct(list.stream().filter(String.class::isInstance).map(String.class::cast)
                    .toArray(String[]::new)));
        }
        return Set.of();
    }

    private static String[] distinct(String[] values) {
        return java.util.Arrays.stream(values).distinct().toArray(String[]::new);
    }

    /** The issuer URL tokens must carry; plain http only for a loopback {@code iss_domain}. */
    static String expectedIssuer(String scheme, IdpConfig config) {
        String issuer = scheme + "://" + config.issDomain();
        if ("http".equals(scheme) && !loopbackHttp(issuer)) {
            throw new ConfigurationException("ISSUER_SCHEME=http is only allowed for a loopback issuer "
                    + SecureEndpoints.HTTP_ONLY_ON_LOOPBACK + ", but iss_domain is " + config.issDomain());
        }
        return issuer;
    }

    private static boolean loopbackHttp(String issuer) {
        try {
            return SecureEndpoints.allowed(new URI(issuer));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static JWSVerifier verifier(JWSAlgorithm alg, JWK jwk) throws JOSEException {
        if (JWSAlgorithm.Family.RSA.contains(alg)) {
            return jwk instanceof RSAKey rsa ? new RSASSAVerifier(rsa.toRSAPublicKey()) : null;
        }
        if (JWSAlgorithm.Family.EC.contains(alg)) {
            return jwk instanceof ECKey ec ? new ECDSAVerifier(ec.toECPublicKey()) : null;
        }
        return null;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * Longest header value (kid, alg) shown in a rejection reason; {@link Printable#clip} also
     * replaces every character outside printable ASCII, so a header cannot forge log lines.
     */
    static final int MAX_SHOWN_HEADER_CHARS = 64;

    private static ValidationResult reject(String reason) {
        LOG.info("token rejected: {}", reason);
        return ValidationResult.invalid(reason);
    }
}
