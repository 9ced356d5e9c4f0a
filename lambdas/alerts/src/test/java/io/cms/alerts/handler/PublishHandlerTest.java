package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.alerts.AlertPublisher;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationFailedException;
import io.cms.alerts.sns.SnsAlertIntake;
import io.cms.alerts.testutils.Events;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishHandlerTest {

    private static final String VIN = "1HGCM82633A004352";
    private static final Map<String, String> SERVICE = Map.of("sub", "connect-store-client", "scopes", "cms/publish");

    private FakeSnsClient sns;
    private String alertsTopic;
    private PublishHandler handler;

    @BeforeEach
    void setUp() {
        sns = new FakeSnsClient();
        alertsTopic = sns.createTopic(b -> b.name("cms-alerts-topic")).topicArn();
        handler = new PublishHandler(new AlertPublisher(AlertsConfig.defaults(), new SnsAlertIntake(sns, alertsTopic)));
    }

    private JsonNode publish(String vin, String alarmType, String message) {
        return handler.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", vin, "alarmType", alarmType, "message", message), SERVICE));
    }

    @Test
    void aValidAlertIsPublishedInTheOriginalWireFormat() {
        JsonNode response = publish(VIN, "VEHICLE_ALARM", "door open");
        assertThat(response.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(sns.publishedTo(alertsTopic)).singleElement().satisfies(p -> {
            assertThat(response.get("message").asText()).isEqualTo(p.messageId());
            JsonNode body = Json.parse(p.message());
            assertThat(body.get("vin").asText()).isEqualTo(VIN);
            assertThat(body.get("alarm_type").asText()).isEqualTo("VEHICLE_ALARM");
            assertThat(body.get("message").asText()).isEqualTo("door open");
        });
    }

    @Test
    void anInvalidVinIsAGraphQlErrorAndPublishesNothing() {
        assertThatThrownBy(() -> publish("1HGCM82633A00435O", "VEHICLE_ALARM", "x"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("vin");
        assertThat(sns.publishedTo(alertsTopic)).isEmpty();
    }

    @Test
    void anUnconfiguredAlarmTypeIsAGraphQlError() {
        assertThatThrownBy(() -> publish(VIN, "FIRE", "x")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("alarmType");
    }

    @Test
    void alarmTypesComeFromTheConfiguration() {
        AlertsConfig config = AlertsConfig.from(EnvConfig.of(Map.of("ALARM_TYPES", "FIRE, FLOOD")));
        PublishHandler custom = new PublishHandler(new AlertPublisher(config, new SnsAlertIntake(sns, alertsTopic)));
        assertThat(custom.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "FLOOD", "message", "water"), SERVICE)).get("status").asText())
                .isEqualTo("SUCCESS");
        assertThatThrownBy(() -> custom.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "x"), SERVICE)))
                .isInstanceOf(BadInputException.class);
    }

    @Test
    void anOverlongMessageIsAGraphQlError() {
        assertThatThrownBy(() -> publish(VIN, "VEHICLE_ALARM", "x".repeat(2049)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("2049");
    }

    @Test
    void aMultiByteMessageOverTheSnsLimitIsRefusedUpFrontNotAsARetryableFailure() {
        AlertsConfig config = AlertsConfig.from(EnvConfig.of(Map.of("MAX_MESSAGE_LENGTH", "100000")));
        PublishHandler custom = new PublishHandler(new AlertPublisher(config, new SnsAlertIntake(sns, alertsTopic)));
        // 90 000 characters (within MAX_MESSAGE_LENGTH), 270 000 bytes in UTF-8 (over SNS's 262 144).
        String message = "\u20ac".repeat(90_000);
        assertThatThrownBy(() -> custom.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", message), SERVICE)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("270000 bytes in UTF-8")
                .hasMessageContaining("262144");
        assertThat(sns.publishedTo(alertsTopic)).isEmpty();
    }

    @Test
    void aMissingArgumentIsAGraphQlError() {
        assertThatThrownBy(() -> handler.resolve(Events.appSync("Mutation", "publish", Map.of("vin", VIN), SERVICE)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("alarmType");
    }

    @Test
    void aFailedPublishIsAGraphQlErrorNotAFailureStatus() {
        sns.failNextPublishes(1);
        assertThatThrownBy(() -> publish(VIN, "VEHICLE_ALARM", "x"))
                .isInstanceOf(NotificationFailedException.class).hasMessageContaining("could not be published");
    }

    @Test
    void theLambdaEntryPointWritesTheResponseJson() throws Exception {
        String event = "{\"arguments\":{\"vin\":\"" + VIN + "\",\"alarmType\":\"EV_BATTERY_HEALTH_ALARM\","
                + "\"message\":\"SoH low\"},\"identity\":{\"resolverContext\":{\"sub\":\"svc\"}},"
                + "\"info\":{\"fieldName\":\"publish\",\"parentTypeName\":\"Mutation\"}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        assertThat(Json.parse(out.toString(StandardCharsets.UTF_8)).get("status").asText()).isEqualTo("SUCCESS");
    }
}
