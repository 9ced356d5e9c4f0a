package io.cms.alerts;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Printable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may publish alerts through {@code Mutation.publish}: callers whose token carries one of these
 * scopes. Only the publish function reads it ({@code PUBLISH_SCOPES}); the other Alerts functions
 * neither need nor check it.
 *
 * @param scopes the publish scopes, at least one: a publish function without any is refused rather
 *               than letting every signed-in caller raise alarms
 */
public record PublishScopes(Set<String> scopes) {

    /** The environment variable the publish function reads the scopes from (comma-separated). */
    public static final String VARIABLE = "PUBLISH_SCOPES";

    /** An OAuth 2.0 scope token (RFC 6749, section 3.3), bounded in length. */
    private static final Pattern SCOPE = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,256}$");

    public PublishScopes {
        if (scopes == null || scopes.isEmpty()) {
            throw new ConfigurationException(VARIABLE + " must name at least one token scope that may publish"
                    + " alerts (comma-separated, for example the backend service scope"
                    + " {idp}-service-resource-server/{idp}-service); without it nobody may publish");
        }
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw new ConfigurationException(VARIABLE + " entry '" + Printable.clip(scope, 64)
                        + "' is not an OAuth scope (printable ASCII without spaces, quotes or backslashes)");
            }
        }
        scopes = Set.copyOf(scopes);
    }

    /** Reads {@code PUBLISH_SCOPES} (comma-separated); absent or empty is refused. */
    public static PublishScopes from(EnvConfig env) {
        return new PublishScopes(new LinkedHashSet<>(env.list(VARIABLE, List.of())));
    }

    /** Whether a caller holding {@code callerScopes} may publish alerts: one of them is a publish scope. */
    public boolean admit(Set<String> callerScopes) {
        return callerScopes.stream().anyMatch(scopes::contains);
    }
}
