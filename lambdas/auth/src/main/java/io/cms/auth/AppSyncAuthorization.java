package io.cms.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The AppSync Lambda authorizer's decision. It embeds the {@link TokenValidator} instead of
 * invoking the token-validation Lambda: one network hop and one possible cold start less on every
 * uncached GraphQL request, and no {@code lambda:InvokeFunction} grant to manage.
 *
 * <p>Allowed: {@code isAuthorized=true}, {@code resolverContext} {@code {sub, username, email,
 * scopes}} (strings, as AppSync requires; {@code scopes} space-separated; {@code email} empty when
 * the token has none, e.g. service tokens), {@code deniedFields=[]} and {@code ttlOverride} = the
 * configured TTL capped at the token's remaining lifetime, so a cached allow never outlives the token.
 * Denied: {@code isAuthorized=false} with {@code ttlOverride=0}, so a denial caused by a passing
 * outage is not cached.
 */
public final class AppSyncAuthorization {

    /** The prefix AppSync's {@code authorizationToken} must start with. */
    public static final String BEARER = "Bearer ";

    private final TokenValidator validator;
    private final Duration ttl;
    private final Clock clock;

    public AppSyncAuthorization(TokenValidator validator, Duration ttl, Clock clock) {
        this.validator = validator;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The authorizer response for an {@code authorizationToken} (may be null). */
    public Map<String, Object> authorize(String authorizationToken) {
        if (authorizationToken == null || !authorizationToken.startsWith(BEARER)) {
            return deny();
        }
        ValidationResult result = validator.validate(authorizationToken.substring(BEARER.length()));
        if (!result.validated()) {
            return deny();
        }
        JWTClaimsSet claims = result.claims();
        Map<String, Object> context = new LinkedHashMap<>();
        String sub = claims.getSubject() == null ? "" : claims.getSubject();
        context.put("sub", sub);
        context.put("username", firstString(claims, List.of("username", "cognito:username", "client_id"), sub));
        context.put("email", firstString(claims, List.of("email"), ""));
        context.put("scopes", String.join(" ", new TreeSet<>(TokenValidator.scopes(claims))));

        long remaining = Duration.between(clock.instant(), claims.getExpirationTime().toInstant()).toSeconds();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("isAuthorized", true);
        response.put("resolverContext", context);
        response.put("deniedFields", List.of());
        response.put("ttlOverride", Math.max(0, Math.min(ttl.toSeconds(), remaining)));
        return response;
    }

    private static Map<String, Object> deny() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("isAuthorized", false);
        response.put("ttlOverride", 0);
        return response;
    }

    private static String firstString(JWTClaimsSet claims, List<String> names, String fallback) {
        for (String name : names) {
            if (claims.getClaim(name) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return fallback;
    }
}
