package io.cms.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {

    @Test
    void defaultsMatchTheOriginal() {
        AlertsConfig config = AlertsConfig.defaults();
        assertThat(config.topicPrefix()).isEqualTo("CMS");
        assertThat(config.alarmTypes()).containsExactlyInAnyOrder("VEHICLE_ALARM", "EV_BATTERY_HEALTH_ALARM");
        assertThat(config.adminScopes()).isEmpty();
        assertThat(config.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(config.topicName("VEHICLE_ALARM", "1HGCM82633A004352"))
                .isEqualTo("CMS-VEHICLE_ALARM-1HGCM82633A004352");
    }

    @Test
    void readsEveryVariable() {
        AlertsConfig config = AlertsConfig.from(EnvConfig.of(Map.of("SNS_TOPIC_PREFIX", "fleet",
                "ALARM_TYPES", "FIRE,FLOOD", "ADMIN_SCOPES", "a/admin, b/admin", "MAX_MESSAGE_LENGTH", "10",
                "NOTIFICATION_RETENTION_DAYS", "7")));
        assertThat(config.topicPrefix()).isEqualTo("fleet");
        assertThat(config.alarmTypes()).containsExactlyInAnyOrder("FIRE", "FLOOD");
        assertThat(config.adminScopes()).containsExactlyInAnyOrder("a/admin", "b/admin");
        assertThat(config.maxMessageLength()).isEqualTo(10);
        assertThat(config.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void rejectsAPrefixSnsCannotUseInATopicName() {
        assertThatThrownBy(() -> AlertsConfig.from(EnvConfig.of(Map.of("SNS_TOPIC_PREFIX", "cms/alerts"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SNS_TOPIC_PREFIX");
    }

    @Test
    void rejectsAnAlarmTypeThatIsNotAGraphQlEnumValue() {
        assertThatThrownBy(() -> AlertsConfig.from(EnvConfig.of(Map.of("ALARM_TYPES", "VEHICLE_ALARM,low-battery"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("low-battery");
    }
}
