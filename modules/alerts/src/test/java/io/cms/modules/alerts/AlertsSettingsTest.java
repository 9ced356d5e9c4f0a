package io.cms.modules.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.PublishScopes;
import io.cms.constructs.CmsContext;
import io.cms.lambda.common.EnvConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlertsSettingsTest {

    private static AlertsSettings settings(Map<String, String> extra) {
        Map<String, String> context = new HashMap<>(Map.of("appUniqueId", "cms"));
        context.putAll(extra);
        return AlertsSettings.from(CmsContext.of(context));
    }

    /** The scopes the publish function reads from its environment. */
    private static PublishScopes publishScopes(AlertsSettings s) {
        return PublishScopes.from(EnvConfig.of(s.publishEnvironment()));
    }

    @Test
    void defaultsMatchTheOriginalExceptForAPerDeploymentTopicPrefix() {
        AlertsSettings s = settings(Map.of());
        // The original's "CMS" made two deployments in one account share each other's topics.
        assertThat(s.config().topicPrefix()).isEqualTo("cms-vin");
        assertThat(s.config().alarmTypes()).containsExactlyInAnyOrder("VEHICLE_ALARM", "EV_BATTERY_HEALTH_ALARM");
        assertThat(s.config().adminScopes()).isEmpty();
        assertThat(s.environment()).containsEntry("SNS_TOPIC_PREFIX", "cms-vin").containsEntry("NOTIFICATION_RETENTION_DAYS", "90");
        assertThat(settings(Map.of("appUniqueId", "fleet-eu")).config().topicPrefix()).isEqualTo("fleet-eu-vin");
    }

    @Test
    void onlyTheServiceScopeOfTheIdentityProviderMayPublishByDefault() {
        AlertsSettings s = settings(Map.of());
        assertThat(publishScopes(s).scopes()).containsExactly("cms-service-resource-server/cms-service");
        assertThat(s.publishEnvironment()).containsEntry("PUBLISH_SCOPES", "cms-service-resource-server/cms-service");
        assertThat(settings(Map.of("identityProviderId", "fleet-idp")).publishEnvironment())
                .containsEntry("PUBLISH_SCOPES", "fleet-idp-service-resource-server/fleet-idp-service");
    }

    @Test
    void thePublishScopesCanBeOverriddenByContext() {
        AlertsSettings s = settings(Map.of("alertsPublishScopes", "fleet/publisher, cms-service-resource-server/cms-service"));
        assertThat(publishScopes(s).scopes())
                .containsExactlyInAnyOrder("fleet/publisher", "cms-service-resource-server/cms-service");
        assertThat(s.publishEnvironment())
                .containsEntry("PUBLISH_SCOPES", "fleet/publisher, cms-service-resource-server/cms-service");
    }

    @Test
    void onlyThePublishFunctionGetsThePublishScopes() {
        // The other functions neither read nor need PUBLISH_SCOPES.
        assertThat(settings(Map.of()).environment()).doesNotContainKey("PUBLISH_SCOPES")
                .containsKeys("SNS_TOPIC_PREFIX", "ALARM_TYPES", "ADMIN_SCOPES");
        assertThat(settings(Map.of()).publishEnvironment()).containsOnlyKeys("PUBLISH_SCOPES");
    }

    @Test
    void rejectsPublishScopesTheFunctionsWouldRefuseNamingTheParameter() {
        assertThatThrownBy(() -> settings(Map.of("alertsPublishScopes", "a/publish b/publish")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PUBLISH_SCOPES")
                .hasMessageContaining("alertsPublishScopes");
    }

    @Test
    void rejectsATopicPrefixTheFunctionsWouldRefuseNamingTheParameter() {
        assertThatThrownBy(() -> settings(Map.of("snsTopicPrefix", "bad prefix")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SNS_TOPIC_PREFIX")
                .hasMessageContaining("snsTopicPrefix");
    }

    @Test
    void rejectsAnAlarmTypeThatIsNotAGraphQlEnumValue() {
        assertThatThrownBy(() -> settings(Map.of("alarmTypes", "VEHICLE_ALARM,tyre-pressure")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tyre-pressure");
    }

    @Test
    void rejectsARetentionOutOfRange() {
        assertThatThrownBy(() -> settings(Map.of("notificationRetentionDays", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOTIFICATION_RETENTION_DAYS");
    }

    @Test
    void theSubscriptionCapDefaultsToTheLambdasDefaultAndGoesOnlyToTheUserSubscriptionsFunction() {
        AlertsSettings s = settings(Map.of());
        assertThat(s.config().maxSubscriptionsPerEmail()).isEqualTo(200);
        assertThat(s.subscriptionsEnvironment()).containsExactly(Map.entry("MAX_SUBSCRIPTIONS_PER_EMAIL", "200"));
        // The other functions neither read nor need it.
        assertThat(s.environment()).doesNotContainKey("MAX_SUBSCRIPTIONS_PER_EMAIL");
        assertThat(s.publishEnvironment()).doesNotContainKey("MAX_SUBSCRIPTIONS_PER_EMAIL");
    }

    @Test
    void theSubscriptionCapCanBeSetByContextUpToTheSnsTopicQuota() {
        AlertsSettings s = settings(Map.of("maxSubscriptionsPerEmail", "500"));
        assertThat(s.config().maxSubscriptionsPerEmail()).isEqualTo(500);
        assertThat(s.subscriptionsEnvironment()).containsEntry("MAX_SUBSCRIPTIONS_PER_EMAIL", "500");
        assertThat(settings(Map.of("maxSubscriptionsPerEmail", "1")).config().maxSubscriptionsPerEmail()).isEqualTo(1);
        assertThat(settings(Map.of("maxSubscriptionsPerEmail", "500")).config().maxSubscriptionsPerEmail())
                .isEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "501", "100000", "2147483648"})
    void rejectsASubscriptionCapOutOfRangeNamingTheParameter(String value) {
        assertThatThrownBy(() -> settings(Map.of("maxSubscriptionsPerEmail", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_SUBSCRIPTIONS_PER_EMAIL=" + value)
                .hasMessageContaining("maxSubscriptionsPerEmail");
    }

    @ParameterizedTest
    @ValueSource(strings = {"many", "2.5", "1e3"})
    void rejectsASubscriptionCapThatIsNotAnIntegerNamingTheParameter(String value) {
        assertThatThrownBy(() -> settings(Map.of("maxSubscriptionsPerEmail", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_SUBSCRIPTIONS_PER_EMAIL=" + value + " is not an integer")
                .hasMessageContaining("maxSubscriptionsPerEmail");
    }

    @Test
    void rendersTheAlarmTypeEnumFromTheConfiguredTypes() {
        String schema = "enum STATUS { FAILURE SUCCESS }\nenum AlarmType {\n  VEHICLE_ALARM\n}\ntype Query { ping: String }\n";
        String rendered = settings(Map.of("alarmTypes", "TYRE_ALARM,VEHICLE_ALARM")).renderPublishSchema(schema);
        assertThat(rendered).isEqualTo(
                "enum STATUS { FAILURE SUCCESS }\nenum AlarmType {\n  TYRE_ALARM\n  VEHICLE_ALARM\n}\ntype Query { ping: String }\n");
    }

    @Test
    void refusesASchemaWithoutTheAlarmTypeEnum() {
        assertThatThrownBy(() -> settings(Map.of()).renderPublishSchema("type Query { ping: String }"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("enum AlarmType");
    }
}
