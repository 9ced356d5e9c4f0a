package io.cms.alerts.testutils;

import io.cms.alerts.AlertsConfig;
import io.cms.lambda.common.EnvConfig;
import java.util.HashMap;
import java.util.Map;

/** Alerts configurations for tests: the defaults plus the required publish scope. */
public final class Configs {

    /** The Auth Setup service scope of identity provider {@code cms}: what backend services' tokens carry. */
    public static final String SERVICE_SCOPE = "cms-service-resource-server/cms-service";

    private Configs() {
    }

    /** The default configuration, publishable with {@link #SERVICE_SCOPE}. */
    public static AlertsConfig standard() {
        return with(Map.of());
    }

    /** The configuration of {@code env}, with {@code PUBLISH_SCOPES} = {@link #SERVICE_SCOPE} unless it names one. */
    public static AlertsConfig with(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("PUBLISH_SCOPES", SERVICE_SCOPE));
        all.putAll(env);
        return AlertsConfig.from(EnvConfig.of(all));
    }
}
