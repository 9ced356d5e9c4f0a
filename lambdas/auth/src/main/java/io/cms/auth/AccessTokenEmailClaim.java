package io.cms.auth;

import io.cms.lambda.common.EmailShape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cognito's pre-token-generation (event version 2) step of Auth Setup: puts the user's
 * <em>verified</em> email into the access token as the {@code email} claim. Cognito access tokens
 * carry no email by themselves, and the Alerts frontend API identifies a user's subscriptions by
 * it (the AppSync authorizer passes the claim on as {@code resolverContext.email}); ID tokens carry
 * no {@code scope} and are refused by the APIs. An email that is not verified ({@code email_verified}
 * other than {@code "true"}) is left out, so a user who changes their address to someone else's
 * cannot manage that person's subscriptions before proving they own it.
 */
public final class AccessTokenEmailClaim {

    private AccessTokenEmailClaim() {
    }

    /**
     * Returns the event with {@code response.claimsAndScopeOverrideDetails} set when the user has a
     * verified email; otherwise the event as it came (the token is issued without the claim).
     *
     * @throws IllegalArgumentException when the event is not a version 2 pre-token-generation event
     */
    public static Map<String, Object> apply(Map<String, Object> event) {
        if (!"2".equals(String.valueOf(event.get("version")))) {
            throw new IllegalArgumentException("not a version 2 pre-token-generation event (version "
                    + event.get("version") + "); the trigger must be configured with LambdaVersion V2_0");
        }
        if (!(event.get("request") instanceof Map<?, ?> request)) {
            throw new IllegalArgumentException("the pre-token-generation event has no request object");
        }
        String email = request.get("userAttributes") instanceof Map<?, ?> attributes ? verifiedEmail(attributes) : null;
        Map<String, Object> answer = new LinkedHashMap<>(event);
        if (email == null) {
            return answer;
        }
        Map<String, Object> response = event.get("response") instanceof Map<?, ?> r ? copy(r) : new LinkedHashMap<>();
        response.put("claimsAndScopeOverrideDetails",
                Map.of("accessTokenGeneration", Map.of("claimsToAddOrOverride", Map.of("email", email))));
        answer.put("response", response);
        return answer;
    }

    private static String verifiedEmail(Map<?, ?> attributes) {
        if (!(attributes.get("email") instanceof String email) || !"true".equals(attributes.get("email_verified"))) {
            return null;
        }
        // The shape the Alerts module accepts as a subscription key.
        return EmailShape.plausible(email) ? email : null;
    }

    private static Map<String, Object> copy(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
