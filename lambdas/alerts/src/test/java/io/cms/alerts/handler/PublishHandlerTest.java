package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.alerts.AccessDeniedException;
import io.cms.alerts.AlertPublisher;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationFailedException;
import io.cms.alerts.PublishScopes;
import io.cms.alerts.sns.SnsAlertIntake;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.Events;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PublishHandlerTest {

    private static final String VIN = "1HGCM82633A004352";
    private static final String USER_SCOPE = "cms-user-resource-server/cms-user";
    private static final String ADMIN_SCOPE = "cms-service-resource-server/cms-admin";
    /** The vehicle-alarm Lambda's client-credentials token: the service scope, no email. */
    private static final Map<String, String> SERVICE = Map.of("sub", "connect-store-client",
            "scopes", "openid " + Configs.SERVICE_SCOPE);

    private FakeSnsClient sns;
    private String alertsTopic;
    private PublishHandler handler;

    @BeforeEach
    void setUp() {
        sns = new FakeSnsClient();
        alertsTopic = sns.createTopic(b -> b.name("cms-alerts-topic")).topicArn();
        handler = new PublishHandler(Configs.publishScopes(),
                new AlertPublisher(Configs.standard(), new SnsAlertIntake(sns, alertsTopic)));
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
    void anIdempotencyKeyTravelsWithTheAlertAndAMalformedOneIsRefused() {
        handler.resolve(Events.appSync("Mutation", "publish", Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM",
                "message", "door open", "idempotencyKey", "alarm-1"), SERVICE));
        assertThat(Json.parse(sns.publishedTo(alertsTopic).get(0).message()).get("idempotency_key").asText())
                .isEqualTo("alarm-1");
        assertThatThrownBy(() -> handler.resolve(Events.appSync("Mutation", "publish", Map.of("vin", VIN,
                "alarmType", "VEHICLE_ALARM", "message", "x", "idempotencyKey", "has space"), SERVICE)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("idempotencyKey");
        assertThat(sns.publishedTo(alertsTopic)).hasSize(1);
        // Without a key the wire format is the original's, unchanged.
        publish(VIN, "VEHICLE_ALARM", "door open");
        assertThat(Json.parse(sns.publishedTo(alertsTopic).get(1).message()).has("idempotency_key")).isFalse();
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
        AlertsConfig config = Configs.with(Map.of("ALARM_TYPES", "FIRE, FLOOD"));
        PublishHandler custom = new PublishHandler(Configs.publishScopes(), new AlertPublisher(config, new SnsAlertIntake(sns, alertsTopic)));
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
        AlertsConfig config = Configs.with(Map.of("MAX_MESSAGE_LENGTH", "100000"));
        PublishHandler custom = new PublishHandler(Configs.publishScopes(), new AlertPublisher(config, new SnsAlertIntake(sns, alertsTopic)));
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
    void aSignedInUserWithoutThePublishScopeIsRefusedAndNothingIsPublished() {
        Map<String, String> user = Events.caller("alice", "alice@example.com", "openid email " + USER_SCOPE);
        assertThatThrownBy(() -> handler.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "fake alarm"), user)))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("publish scope")
                // The refusal (also logged) does not echo the caller's token content.
                .hasMessageNotContaining("alice")
                .hasMessageNotContaining(USER_SCOPE);
        assertThat(sns.publishedTo(alertsTopic)).isEmpty();
    }

    @Test
    void anAdministratorScopeDoesNotGrantPublishing() {
        Map<String, String> admin = Events.caller("ops", "ops@example.com", USER_SCOPE + " " + ADMIN_SCOPE);
        PublishHandler withAdmins = new PublishHandler(Configs.publishScopes(), new AlertPublisher(
                Configs.with(Map.of("ADMIN_SCOPES", ADMIN_SCOPE)), new SnsAlertIntake(sns, alertsTopic)));
        assertThatThrownBy(() -> withAdmins.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "x"), admin)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(sns.publishedTo(alertsTopic)).isEmpty();
    }

    @Test
    void aRequestWithoutCallerIdentityIsRefusedBeforeItsArgumentsAreRead() {
        assertThatThrownBy(() -> handler.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "x"), null)))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("no caller identity");
        assertThatThrownBy(() -> handler.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", "bad"), Map.of("scopes", Configs.SERVICE_SCOPE))))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("no subject");
        assertThat(sns.publishedTo(alertsTopic)).isEmpty();
    }

    @Test
    void anyConfiguredPublishScopeAdmits() {
        PublishHandler custom = new PublishHandler(
                new PublishScopes(Set.of("fleet/publisher", Configs.SERVICE_SCOPE)),
                new AlertPublisher(Configs.standard(), new SnsAlertIntake(sns, alertsTopic)));
        assertThat(custom.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "x"),
                Map.of("sub", "fleet-backend", "scopes", "fleet/publisher"))).get("status").asText())
                .isEqualTo("SUCCESS");
        assertThatThrownBy(() -> custom.resolve(Events.appSync("Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", "x"),
                Map.of("sub", "fleet-backend", "scopes", "fleet/publisher-not"))))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(sns.publishedTo(alertsTopic)).hasSize(1);
    }

    @Test
    void theLambdaEntryPointWritesTheResponseJson() throws Exception {
        String event = "{\"arguments\":{\"vin\":\"" + VIN + "\",\"alarmType\":\"EV_BATTERY_HEALTH_ALARM\","
                + "\"message\":\"SoH low\"},\"identity\":{\"resolverContext\":{\"sub\":\"svc\",\"scopes\":\""
                + Configs.SERVICE_SCOPE + "\"}},"
                + "\"info\":{\"fieldName\":\"publish\",\"parentTypeName\":\"Mutation\"}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        assertThat(Json.parse(out.toString(StandardCharsets.UTF_8)).get("status").asText()).isEqualTo("SUCCESS");
    }
}
