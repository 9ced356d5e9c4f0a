package io.cms.connectstore.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.connectstore.handler.VehicleAlarmHandler;
import io.cms.connectstore.testutils.FakeAuthAndAlerts;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The vehicle-alarm Lambda against a loopback token endpoint and a loopback Alerts GraphQL endpoint. */
class VehicleAlarmHandlerTest {

    static final String VIN = "1HGCM82633A004352";
    static final String OTHER_VIN = "5YJ3E1EA7KF317000";
    static final String PARAMETER = "/solution/cms/alerts/publish-api/endpoint";
    static final String SECRET = "/solution/auth/cms/client-config/default";

    FakeAuthAndAlerts fake;
    MutableClock clock;
    List<Duration> sleeps;
    AtomicInteger parameterReads;
    AtomicInteger secretReads;
    String secretJson;
    VehicleAlarmHandler handler;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAuthAndAlerts();
        clock = new MutableClock(Instant.parse("2026-11-22T07:00:00Z"));
        sleeps = new ArrayList<>();
        parameterReads = new AtomicInteger();
        secretReads = new AtomicInteger();
        secretJson = Json.write(Map.of("token_endpoint", fake.tokenEndpoint().toString(), "client_id", FakeAuthAndAlerts.CLIENT_ID,
                "client_secret", FakeAuthAndAlerts.CLIENT_SECRET, "audience", "cms-api"));
        handler = new VehicleAlarmHandler(EnvConfig.of(Map.of("IDENTITY_PROVIDER_ID", "cms",
                "ALERTS_PUBLISH_ENDPOINT_URL_PARAMETER", PARAMETER)),
                name -> {
                    assertThat(name).isEqualTo(PARAMETER);
                    parameterReads.incrementAndGet();
                    return fake.graphqlEndpoint().toString();
                },
                name -> {
                    assertThat(name).isEqualTo(SECRET);
                    secretReads.incrementAndGet();
                    return secretJson;
                },
                HttpClient.newHttpClient(), clock, sleeps::add);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    /** The rule's event for an alarm the vehicle raised on its own topic. */
    static String alarm(String message) {
        return "{\"vin\":\"" + VIN + "\",\"message\":\"" + message + "\",\"topic_vin\":\"" + VIN + "\"}";
    }

    @Test
    void publishesTheOriginalMutationWithABearerToken() throws Exception {
        JsonNode result = invoke(alarm("door ajar"));
        assertThat(result.get("messageId").asText()).isEqualTo("msg-1");
        JsonNode request = fake.graphqlRequests.get(0);
        assertThat(request.get("query").asText())
                .contains("publish(vin: $vin, alarmType: $alarmType, message: $message, idempotencyKey: $idempotencyKey)");
        assertThat(request.get("variables").get("idempotencyKey").asText()).matches("[0-9a-f-]{36}");
        assertThat(request.get("variables")).isEqualTo(Json.parse(
                "{\"vin\":\"" + VIN + "\",\"alarmType\":\"VEHICLE_ALARM\",\"message\":\"door ajar\",\"idempotencyKey\":\""
                        + request.get("variables").get("idempotencyKey").asText() + "\"}"));
        assertThat(fake.authorizations.get(0)).isEqualTo("Bearer token-1");
    }

    @Test
    void asksForClientCredentialsWithAudience() throws Exception {
        invoke(alarm("x"));
        assertThat(fake.tokenRequests).hasSize(1);
        assertThat(fake.tokenRequests.get(0)).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", FakeAuthAndAlerts.CLIENT_ID).containsEntry("audience", "cms-api");
    }

    @Test
    void reusesTheTokenUntilShortlyBeforeItExpires() throws Exception {
        invoke(alarm("a"));
        clock.advance(Duration.ofSeconds(3600 - 61));
        invoke(alarm("b"));
        assertThat(fake.tokenRequests).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        invoke(alarm("c"));
        assertThat(fake.tokenRequests).hasSize(2);
        assertThat(fake.authorizations).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    }

    @Test
    void retriesServerErrorsWithGrowingBackoff() throws Exception {
        fake.graphqlStatuses.add(503);
        fake.graphqlStatuses.add(502);
        assertThat(invoke(alarm("x")).get("messageId").asText()).isEqualTo("msg-1");
        assertThat(fake.graphqlRequests).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void everyAttemptAndEveryLambdaRetryOfOneEventCarriesTheSameIdempotencyKey() throws Exception {
        fake.graphqlStatuses.add(503);
        invokeAs("req-7f3e", alarm("x"));
        invokeAs("req-7f3e", alarm("x"));
        invokeAs("req-other", alarm("x"));

        assertThat(fake.graphqlRequests).extracting(r -> r.at("/variables/idempotencyKey").asText())
                .containsExactly("req-7f3e", "req-7f3e", "req-7f3e", "req-other");
    }

    JsonNode invokeAs(String requestId, String event) throws Exception {
        com.amazonaws.services.lambda.runtime.Context context = (com.amazonaws.services.lambda.runtime.Context)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                        (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? requestId : null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void retriesThrottling() throws Exception {
        fake.graphqlStatuses.add(429);
        invoke(alarm("x"));
        assertThat(fake.graphqlRequests).hasSize(2);
    }

    @Test
    void givesUpAfterFourAttemptsAndThrowsForTheDlq() {
        for (int i = 0; i < 4; i++) {
            fake.graphqlStatuses.add(500);
        }
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class)
                .hasMessage("alarm for " + VIN + " not delivered after 4 attempts: alerts API answered 500");
        assertThat(fake.graphqlRequests).hasSize(4);
    }

    @Test
    void rereadsTheEndpointAfterAFinalFailure() throws Exception {
        for (int i = 0; i < 4; i++) {
            fake.graphqlStatuses.add(500);
        }
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class);
        invoke(alarm("y"));
        assertThat(parameterReads.get()).isEqualTo(2);
    }

    @Test
    void cachesEndpointAndSecretBetweenInvocations() throws Exception {
        invoke(alarm("a"));
        invoke(alarm("b"));
        assertThat(parameterReads.get()).isEqualTo(1);
        assertThat(secretReads.get()).isEqualTo(1);
    }

    @Test
    void refreshesTheTokenOnceOn401() throws Exception {
        invoke(alarm("a"));
        fake.revokeAll();
        assertThat(invoke(alarm("b")).get("messageId").asText()).isEqualTo("msg-2");
        assertThat(fake.tokenRequests).hasSize(2);
        assertThat(fake.authorizations).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void repeated401FailsWithoutLooping() {
        for (int i = 0; i < 10; i++) {
            fake.graphqlStatuses.add(401);
        }
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class)
                .hasMessage("alerts API refused the alarm: HTTP 401");
        assertThat(fake.tokenRequests).hasSize(2);
        assertThat(fake.graphqlRequests).hasSize(2);
    }

    @Test
    void clientErrorIsNotRetried() {
        fake.graphqlStatuses.add(400);
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class).hasMessageContaining("HTTP 400");
        assertThat(fake.graphqlRequests).hasSize(1);
    }

    @Test
    void graphQlErrorFailsTheInvocation() {
        fake.graphqlBodyOverride = "{\"data\":null,\"errors\":[{\"message\":\"vin is not registered\"}]}";
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class)
                .hasMessage("alerts API refused the alarm: vin is not registered");
    }

    @Test
    void tokenEndpointOutageIsRetried() throws Exception {
        fake.tokenStatuses.add(503);
        assertThat(invoke(alarm("x")).get("messageId").asText()).isEqualTo("msg-1");
        assertThat(fake.tokenRequests).hasSize(2);
    }

    @Test
    void rejectedClientFailsWithoutLeakingTheSecret() {
        secretJson = secretJson.replace(FakeAuthAndAlerts.CLIENT_SECRET, "wrong-secret-value");
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(AlarmDeliveryException.class)
                .hasMessage("token endpoint refused the client: HTTP 401 (invalid_client)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-value"));
    }

    @Test
    void secretWithoutClientIdIsAConfigurationError() {
        secretJson = "{\"token_endpoint\":\"" + fake.tokenEndpoint() + "\",\"client_id\":\"\",\"client_secret\":\"x\"}";
        assertThatThrownBy(() -> invoke(alarm("x"))).isInstanceOf(ConfigurationException.class)
                .hasMessage("secret " + SECRET + " has no client_id");
    }

    @Test
    void eventWithoutVinIsBadInput() {
        assertThatThrownBy(() -> invoke("{\"message\":\"x\"}")).isInstanceOf(BadInputException.class)
                .hasMessage("vehicle alarm has no vin");
        assertThat(fake.graphqlRequests).isEmpty();
    }

    @Test
    void alarmForAnotherVinThanTheTopicsIsRefusedAndNothingIsPublished() {
        String spoofed = "{\"vin\":\"" + OTHER_VIN + "\",\"message\":\"stolen\",\"topic_vin\":\"" + VIN + "\"}";
        assertThatThrownBy(() -> invoke(spoofed)).isInstanceOf(BadInputException.class)
                .hasMessage("alarm for " + OTHER_VIN + " published on the topic of " + VIN);
        assertThat(fake.graphqlRequests).isEmpty();
        assertThat(fake.tokenRequests).isEmpty();
    }

    @Test
    void eventWithoutTheTopicVinIsRefused() {
        assertThatThrownBy(() -> invoke("{\"vin\":\"" + VIN + "\",\"message\":\"x\"}")).isInstanceOf(BadInputException.class)
                .hasMessage("vehicle alarm event has no topic_vin (the IoT rule must select topic(3) AS topic_vin)");
        assertThat(fake.graphqlRequests).isEmpty();
    }

    @Test
    void eventWithoutMessageIsBadInput() {
        assertThatThrownBy(() -> invoke("{\"vin\":\"" + VIN + "\"}")).isInstanceOf(BadInputException.class)
                .hasMessage("vehicle alarm has no message");
    }

    @Test
    void eventWithBlankMessageIsBadInput() {
        assertThatThrownBy(() -> invoke(alarm("  "))).isInstanceOf(BadInputException.class).hasMessage("vehicle alarm has no message");
    }

    @Test
    void eventWithMalformedVinIsBadInput() {
        assertThatThrownBy(() -> invoke("{\"vin\":\"abc\",\"message\":\"x\"}")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("vin must be 17 characters");
    }

    @Test
    void eventThatIsNotAnObjectIsBadInput() {
        assertThatThrownBy(() -> invoke("[1]")).isInstanceOf(BadInputException.class).hasMessageContaining("must be a JSON object");
    }

    @Test
    void timeoutIsRetried() throws Exception {
        ClientCredentialsTokens tokens = new ClientCredentialsTokens(
                () -> ClientConfig.parse(secretJson, SECRET), HttpClient.newHttpClient(), Duration.ofSeconds(5),
                ClientCredentialsTokens.DEFAULT_MARGIN, clock);
        AlertsPublisher publisher = new AlertsPublisher(fake::graphqlEndpoint, () -> { }, tokens, HttpClient.newHttpClient(),
                new AlertsPublisher.Retry(2, Duration.ofMillis(1), Duration.ofMillis(300)), sleeps::add);
        fake.graphqlDelays.add(1_500L);
        assertThat(publisher.publish(new VehicleAlarm(VIN, "late"), "key-1")).startsWith("msg-");
        assertThat(sleeps).hasSize(1);
        assertThat(fake.graphqlRequests).extracting(r -> r.at("/variables/idempotencyKey").asText())
                .as("the timed-out attempt and its retry are one alarm").containsOnly("key-1");
        for (String bad : new String[] {null, "", "has space", "x".repeat(129)}) {
            assertThatThrownBy(() -> publisher.publish(new VehicleAlarm(VIN, "late"), bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency key");
        }
    }
}
