package io.cms.alerts.testutils;

import io.cms.alerts.AlertsConfig;
import io.cms.alerts.PublishScopes;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.AuthSetupScopes;
import java.util.Map;
import java.util.Set;

/** Alerts configurations for tests. */
public final class Configs {

    /** The Auth Setup service scope of identity provider {@code cms}: what backend services' tokens carry. */
    public static final String SERVICE_SCOPE = AuthSetupScopes.serviceScope("cms");

    private Configs() {
    }

    /** The default configuration. */
    public static AlertsConfig standard() {
        return with(Map.of());
    }

    /** The configuration of {@code env}. */
    public static AlertsConfig with(Map<String, String> env) {
        return AlertsConfig.from(EnvConfig.of(env));
    }

    /** The publish scopes of a deployment with the defaults: only {@link #SERVICE_SCOPE} may publish. */
    public static PublishScopes publishScopes() {
        return new PublishScopes(Set.of(SERVICE_SCOPE));
    }
}
