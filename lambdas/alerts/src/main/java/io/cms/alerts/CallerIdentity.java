package io.cms.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Printable;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who is calling, as established by the AppSync Lambda authorizer.
 *
 * <p>Contract with the authorizer: it returns {@code resolverContext} with the string entries
 * {@code sub}, {@code username}, {@code email} and {@code scopes}; AppSync hands that map to the
 * resolver as {@code identity.resolverContext}. {@code scopes} is the token's space-separated
 * {@code scope} claim (a JSON array is accepted too). {@code email} may be absent for
 * machine-to-machine tokens; such callers own no subscriptions. Only a caller whose scopes include
 * one of the {@link PublishScopes} may publish alerts.
 *
 * @param subject  the token subject ({@code sub}), never blank
 * @param username the user name, or null
 * @param email    the caller's email, lower-cased, or null
 * @param scopes   the token's scopes
 * @param admin    whether one of the configured admin scopes is among {@code scopes}
 */
public record CallerIdentity(String subject, String username, String email, Set<String> scopes, boolean admin) {

    public CallerIdentity {
        scopes = Set.copyOf(scopes);
        email = email == null || email.isBlank() ? null : Emails.normalise(email);
    }

    /**
     * Builds the identity from an AppSync event's {@code identity} object.
     *
     * @throws AccessDeniedException when there is no resolver context or no subject (the API is not
     *                               behind the Lambda authorizer, or the authorizer broke the contract)
     */
    public static CallerIdentity fromAppSyncIdentity(JsonNode identity, Set<String> adminScopes) {
        JsonNode context = identity == null ? null : identity.get("resolverContext");
        if (context == null || !context.isObject()) {
            throw new AccessDeniedException("no caller identity: the request did not pass the Lambda authorizer");
        }
        String subject = Json.optionalText(context, "sub");
        if (subject == null || subject.isBlank()) {
            throw new AccessDeniedException("no caller identity: the authorizer gave no subject");
        }
        Set<String> scopes = scopes(context.get("scopes"));
        boolean admin = scopes.stream().anyMatch(adminScopes::contains);
        String email = Json.optionalText(context, "email");
        try {
            email = email == null || email.isBlank() ? null : Emails.normalise(email);
        } catch (io.cms.lambda.common.BadInputException e) {
            // A token without a usable email still identifies the caller; it just owns no subscriptions.
            email = null;
        }
        return new CallerIdentity(subject, Json.optionalText(context, "username"), email, scopes, admin);
    }

    /** Whether this caller may read or change the subscriptions of {@code email}. */
    public boolean mayManage(String email) {
        return admin || (this.email != null && this.email.equals(Emails.normalise(email)));
    }

    /** Throws unless this caller may manage {@code email}. */
    public void requireMayManage(String email) {
        if (!mayManage(email)) {
            throw new AccessDeniedException("you may only read or change the subscriptions of your own email");
        }
    }

    private static Set<String> scopes(JsonNode node) {
        Set<String> scopes = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return scopes;
        }
        if (node.isArray()) {
            node.forEach(n -> scopes.add(n.asText()));
        } else {
            Arrays.stream(node.asText().split("\\s+")).filter(s -> !s.isEmpty()).forEach(scopes::add);
        }
        return scopes;
    }

    /** Email addresses as keys: trimmed, lower-cased, and of a plausible shape. */
    public static final class Emails {

        private Emails() {
        }

        /** The normalised address, or a caller-facing error if it is not an email address. */
        public static String normalise(String email) {
            String trimmed = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
            if (!io.cms.lambda.common.EmailShape.plausible(trimmed)) {
                throw new io.cms.lambda.common.BadInputException("email must be an email address"
                        + (email == null ? "" : " (got '" + Printable.clip(email, 64) + "')"));
            }
            return trimmed;
        }
    }
}
