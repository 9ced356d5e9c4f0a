package io.cms.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.testutils.Configs;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsConfigTest {

    @Test
    void defaultsMatchTheOriginal() {
        AlertsConfig config = Configs.standard();
        assertThat(config.topicPrefix()).isEqualTo("CMS");
        assertThat(config.alarmTypes()).containsExactlyInAnyOrder("VEHICLE_ALARM", "EV_BATTERY_HEALTH_ALARM");
        assertThat(config.adminScopes()).isEmpty();
        assertThat(config.retention()).isEqualTo(Duration.ofDays(90));
        assertThat(config.maxSubscriptionsPerEmail()).isEqualTo(200);
        assertThat(config.topicName("VEHICLE_ALARM", "1HGCM82633A004352"))
                .isEqualTo("CMS-VEHICLE_ALARM-1HGCM82633A004352");
    }

    @Test
    void readsEveryVariable() {
        AlertsConfig config = Configs.with(Map.of("SNS_TOPIC_PREFIX", "fleet",
                "ALARM_TYPES", "FIRE,FLOOD", "ADMIN_SCOPES", "a/admin, b/admin", "MAX_MESSAGE_LENGTH", "10",
                "NOTIFICATION_RETENTION_DAYS", "7", "MAX_SUBSCRIPTIONS_PER_EMAIL", "3"));
        assertThat(config.topicPrefix()).isEqualTo("fleet");
        assertThat(config.alarmTypes()).containsExactlyInAnyOrder("FIRE", "FLOOD");
        assertThat(config.adminScopes()).containsExactlyInAnyOrder("a/admin", "b/admin");
        assertThat(config.maxMessageLength()).isEqualTo(10);
        assertThat(config.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.maxSubscriptionsPerEmail()).isEqualTo(3);
    }

    @Test
    void theSubscriptionCapMayBeAnythingFromOneToWhatGetUserSubscriptionsCanList() {
        assertThat(Configs.with(Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", "1")).maxSubscriptionsPerEmail()).isEqualTo(1);
        assertThat(Configs.with(Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", "500")).maxSubscriptionsPerEmail())
                .isEqualTo(AlertsConfig.MAX_LISTABLE_SUBSCRIPTIONS);
    }

    @Test
    void aSubscriptionCapOutsideOneToWhatGetUserSubscriptionsCanListIsRefused() {
        for (String bad : new String[] {"0", "-1", "501", "100000"}) {
            assertThatThrownBy(() -> Configs.with(Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", bad)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("MAX_SUBSCRIPTIONS_PER_EMAIL=" + bad + " is outside the allowed range 1..500");
        }
    }

    @Test
    void aSubscriptionCapThatIsNotAnIntegerIsRefused() {
        for (String bad : new String[] {"ten", "3.5", "99999999999"}) {
            assertThatThrownBy(() -> Configs.with(Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", bad)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("MAX_SUBSCRIPTIONS_PER_EMAIL=" + bad + " is not an integer");
        }
    }

    @Test
    void aConfigurationBuiltInCodeIsHeldToTheSameSubscriptionCapBounds() {
        AlertsConfig standard = Configs.standard();
        for (int bad : new int[] {0, AlertsConfig.MAX_LISTABLE_SUBSCRIPTIONS + 1}) {
            assertThatThrownBy(() -> new AlertsConfig(standard.topicPrefix(), standard.alarmTypes(),
                    standard.adminScopes(), standard.maxMessageLength(), standard.retention(),
                    standard.maxAlarmsPerRequest(), bad))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("MAX_SUBSCRIPTIONS_PER_EMAIL must be within 1..500 (the most getUserSubscriptions can list within AppSync's 30 s), got "
                            + bad);
        }
    }

    @Test
    void rejectsAPrefixSnsCannotUseInATopicName() {
        assertThatThrownBy(() -> Configs.with(Map.of("SNS_TOPIC_PREFIX", "cms/alerts")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SNS_TOPIC_PREFIX");
    }

    @Test
    void rejectsAnAlarmTypeThatIsNotAGraphQlEnumValue() {
        assertThatThrownBy(() -> Configs.with(Map.of("ALARM_TYPES", "VEHICLE_ALARM,low-battery")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("low-battery");
    }

    @Test
    void publishScopesAreNoneOfTheSharedConfigurationsBusiness() {
        // create-alerts, send-notifications and user-subscriptions have no PUBLISH_SCOPES and must start.
        AlertsConfig config = AlertsConfig.from(EnvConfig.of(Map.of("ADMIN_SCOPES", "a/admin")));
        assertThat(config.adminScopes()).containsExactly("a/admin");
        assertThat(Configs.standard().topicPrefix()).isEqualTo("CMS");
    }

    private static final String VIN = "1HGCM82633A004352";

    private static AlertsConfig allowing100000Characters() {
        return Configs.with(Map.of("MAX_MESSAGE_LENGTH", "100000"));
    }

    @Test
    void aMultiByteMessageWithinTheCharacterLimitButOverSnsBytesIsRefused() {
        // 90 000 characters, 270 000 bytes: allowed by MAX_MESSAGE_LENGTH, too big for SNS (262 144).
        String message = "\u20ac".repeat(90_000);
        assertThatThrownBy(() -> allowing100000Characters().requireMessage(message))
                .isInstanceOf(BadInputException.class)
                .hasMessage("message is 270000 bytes in UTF-8; SNS accepts at most 262144 bytes (256 KiB) per message");
    }

    @Test
    void aMessageOfExactlySnsLimitIsAccepted() {
        String message = "\u20ac".repeat(87_381) + "x";
        assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(AlertsConfig.SNS_MAX_MESSAGE_BYTES);
        assertThat(allowing100000Characters().requireMessage(message)).isSameAs(message);
        assertThatThrownBy(() -> allowing100000Characters().requireMessage(message + "x"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("262145 bytes");
    }

    @Test
    void anAlertWhoseJsonOutgrowsSnsIsRefusedEvenWhenItsMessageFits() {
        // Each control character is 1 byte in the message but 6 ("\u0001") in the alert's JSON.
        String message = "a" + "\u0001".repeat(50_000);
        assertThat(allowing100000Characters().requireMessage(message)).isSameAs(message);
        assertThatThrownBy(() -> Alert.of(VIN, "VEHICLE_ALARM", message, allowing100000Characters()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("the alert as JSON")
                .hasMessageContaining("SNS accepts at most 262144 bytes");
    }

    @Test
    void anUnknownAlarmTypeIsQuotedClippedAndPrintableInTheError() {
        // Printable.clip itself is tested in lambdas/common; here: the caller's value reaches the message safely.
        assertThatThrownBy(() -> Configs.standard().requireAlarmType("FIRE\nINFO forged\u00e9" + "X".repeat(100)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("(got 'FIRE?INFO forged?" + "X".repeat(64 - 17) + "...')")
                .hasMessageNotContaining("\n");
    }
}
