package io.cms.modules.alerts;

import io.cms.alerts.AlertsConfig;
import io.cms.alerts.PublishScopes;
import io.cms.constructs.CmsContext;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.AuthSetupScopes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Alerts module's deployment settings, read from CDK context (or the environment) and
 * validated at synth by the same {@link AlertsConfig} and {@link PublishScopes} the Lambdas validate at
 * run time, so a value the functions would refuse never reaches a deployment.
 *
 * <ul>
 *   <li>{@code snsTopicPrefix} ({@code SNS_TOPIC_PREFIX}): prefix of the per-VIN-and-type topics; default {@code CMS}</li>
 *   <li>{@code alarmTypes} ({@code ALARM_TYPES}): comma-separated alarm types; default
 *       {@code VEHICLE_ALARM,EV_BATTERY_HEALTH_ALARM}</li>
 *   <li>{@code alertsAdminScopes} ({@code ALERTS_ADMIN_SCOPES}): comma-separated token scopes that may manage
 *       anyone's subscriptions; default none</li>
 *   <li>{@code alertsPublishScopes} ({@code ALERTS_PUBLISH_SCOPES}): comma-separated token scopes that may publish
 *       alerts; default the Auth Setup service scope of the identity provider,
 *       {@code {identityProviderId}-service-resource-server/{identityProviderId}-service}, which the
 *       vehicle-alarm Lambda's client-credentials token carries. Signed-in users never hold it. Only the
 *       publish function gets it.</li>
 *   <li>{@code notificationRetentionDays} ({@code NOTIFICATION_RETENTION_DAYS}): days before TTL removes a
 *       notification; default 90</li>
 *   <li>{@code maxMessageLength} ({@code MAX_MESSAGE_LENGTH}): longest alert message; default 2048</li>
 *   <li>{@code maxSubscriptionsPerEmail} ({@code MAX_SUBSCRIPTIONS_PER_EMAIL}): most subscriptions one email may
 *       hold; default {@value AlertsConfig#DEFAULT_MAX_SUBSCRIPTIONS_PER_EMAIL}, within
 *       1..{@value AlertsConfig#MAX_LISTABLE_SUBSCRIPTIONS} (checked by {@link AlertsConfig}). Only the
 *       user-subscriptions function, which enforces it, gets it.</li>
 * </ul>
 *
 * @param config             the validated configuration: the variables every function shares, and the
 *                           user-subscriptions function's own
 * @param environment        the environment variables of every function ({@code config}'s values)
 * @param publishEnvironment the environment variables only the publish function gets ({@code PUBLISH_SCOPES},
 *                           validated as {@link PublishScopes}, which the publish function reads from it)
 * @param subscriptionsEnvironment the environment variables only the user-subscriptions function gets
 *                           ({@code MAX_SUBSCRIPTIONS_PER_EMAIL}, validated as part of {@code config})
 */
public record AlertsSettings(AlertsConfig config, Map<String, String> environment, Map<String, String> publishEnvironment,
        Map<String, String> subscriptionsEnvironment) {

    /** Receives of one intake message before SQS moves it to the dead-letter queue. */
    public static final int MAX_RECEIVE_COUNT = 5;

    public AlertsSettings {
        environment = Map.copyOf(environment);
        publishEnvironment = Map.copyOf(publishEnvironment);
        subscriptionsEnvironment = Map.copyOf(subscriptionsEnvironment);
    }

    /** Reads and validates the settings; a bad value fails synth naming the parameter. */
    public static AlertsSettings from(CmsContext context) {
        Map<String, String> env = new LinkedHashMap<>();
        // Per deployment by default: two deployments in one account must not share (or be granted) each
        // other's per-VIN topics, which would also clash on their different KMS keys.
        env.put("SNS_TOPIC_PREFIX", context.value("snsTopicPrefix", context.appUniqueId() + "-vin"));
        env.put("ALARM_TYPES", context.value("alarmTypes", String.join(",", AlertsConfig.DEFAULT_ALARM_TYPES)));
        env.put("ADMIN_SCOPES", context.value("alertsAdminScopes", ""));
        env.put("NOTIFICATION_RETENTION_DAYS", context.value("notificationRetentionDays", "90"));
        env.put("MAX_MESSAGE_LENGTH", context.value("maxMessageLength", "2048"));
        Map<String, String> publishEnv = Map.of(PublishScopes.VARIABLE,
                context.value("alertsPublishScopes", AuthSetupScopes.serviceScope(context.identityProviderId())));
        Map<String, String> subscriptionsEnv = Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", context.value(
                "maxSubscriptionsPerEmail", String.valueOf(AlertsConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_EMAIL)));
        try {
            // The user-subscriptions function reads the shared variables and its own: validate them together.
            Map<String, String> all = new LinkedHashMap<>(env);
            all.putAll(subscriptionsEnv);
            AlertsConfig config = AlertsConfig.from(EnvConfig.of(all));
            PublishScopes.from(EnvConfig.of(publishEnv)); // refuses scopes the publish function would refuse
            return new AlertsSettings(config, env, publishEnv, subscriptionsEnv);
        } catch (ConfigurationException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Alerts module parameter: " + e.getMessage()
                    + " (context keys snsTopicPrefix, alarmTypes, alertsAdminScopes, alertsPublishScopes,"
                    + " notificationRetentionDays, maxMessageLength, maxSubscriptionsPerEmail)", e);
        }
    }

    /** The publish API schema with its {@code AlarmType} enum rendered from the configured alarm types. */
    public String renderPublishSchema(String schema) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("enum AlarmType \\{[^}]*\\}").matcher(schema);
        if (!m.find()) {
            throw new IllegalStateException("the publish API schema has no 'enum AlarmType { ... }'");
        }
        StringBuilder values = new StringBuilder("enum AlarmType {\n");
        config.alarmTypes().stream().sorted().forEach(t -> values.append("  ").append(t).append('\n'));
        return schema.substring(0, m.start()) + values.append('}') + schema.substring(m.end());
    }
}
