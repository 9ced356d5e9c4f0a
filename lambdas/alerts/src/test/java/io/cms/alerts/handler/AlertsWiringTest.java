package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsWiringTest {

    @Test
    void functionsOtherThanPublishStartWithoutPublishScopes() {
        // The environment of create-alerts: no PUBLISH_SCOPES, which only the publish function carries.
        AlertsWiring wiring = new AlertsWiring(EnvConfig.of(Map.of("NOTIFICATIONS_TABLE_NAME", "n",
                "SNS_TOPIC_PREFIX", "cms-vin", "ALARM_TYPES", "VEHICLE_ALARM")));
        assertThat(wiring.config().topicPrefix()).isEqualTo("cms-vin");
    }

    @Test
    void thePublishFunctionReadsItsScopesAndRefusesToStartWithoutThem() {
        assertThat(new AlertsWiring(EnvConfig.of(Map.of("PUBLISH_SCOPES", "cms-service-resource-server/cms-service")))
                .publishScopes().scopes()).containsExactly("cms-service-resource-server/cms-service");
        assertThatThrownBy(() -> new AlertsWiring(EnvConfig.of(Map.of("ALERTS_SNS_TOPIC_ARN", "arn"))).publishScopes())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLISH_SCOPES");
    }
}
