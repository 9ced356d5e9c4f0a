package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.cms.api.LatestStateStore;
import io.cms.api.VehicleState;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateProjectionTest {

    private static final String VIN = "5YJ3E1EA7KF317011";
    private AmazonDynamoDBLocal dynamo;
    private LatestStateStore store;

    @BeforeAll
    void start() {
        dynamo = DynamoDBEmbedded.create();
        dynamo.dynamoDbClient().createTable(b -> b.tableName("state")
                .attributeDefinitions(a -> a.attributeName("vin").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("vin").keyType(KeyType.HASH)).billingMode(BillingMode.PAY_PER_REQUEST));
        store = new LatestStateStore(dynamo.dynamoDbClient(), "state");
    }

    @AfterAll
    void stop() {
        dynamo.shutdown();
    }

    private static byte[] message(String timestamp, double speed) {
        return ("{\"vin\":\"" + VIN + "\"" + (timestamp == null ? "" : ",\"timestamp\":" + timestamp)
                + ",\"Vehicle\":{\"Speed\":" + speed + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEpochMillisIsoAndAbsentTimestampsAndRefusesGarbage() {
        assertThat(LatestStateProjection.timestamp(message("1795418400123", 1), 5)).isEqualTo(1795418400123L);
        assertThat(LatestStateProjection.timestamp(message("\"2026-11-22T07:20:00Z\"", 1), 5)).isEqualTo(1795332000000L);
        assertThat(LatestStateProjection.timestamp(message(null, 1), 5)).isEqualTo(5);
        assertThat(LatestStateProjection.timestamp(message("\"yesterday\"", 1), 5)).isEqualTo(Long.MIN_VALUE);
        assertThat(LatestStateProjection.timestamp("not json".getBytes(StandardCharsets.UTF_8), 5)).isEqualTo(Long.MIN_VALUE);
        assertThat(LatestStateProjection.timestamp("[1,2]".getBytes(StandardCharsets.UTF_8), 5)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void theNewestMessageWinsEvenWhenItArrivesFirst() throws Exception {
        long now = System.currentTimeMillis();
        try (LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), store)) {
            String topic = "cms/data/" + VIN + "/telemetry";
            projection.update(topic, message(Long.toString(now), 50), now);
            projection.update(topic, message(Long.toString(now - 5000), 10), now);
            projection.update(topic, message("\"garbage\"", 99), now);
            projection.update("cms/notification/" + VIN, message(Long.toString(now + 1), 77), now);
        }
        Optional<VehicleState> state = store.get(VIN);
        assertThat(state).get().satisfies(s -> {
            assertThat(s.timestamp()).isEqualTo(now);
            assertThat(s.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(50.0);
        });
    }

    @Test
    void writeRoundsStartNoMoreOftenThanTheRoundInterval() throws Exception {
        String topic = "cms/data/" + VIN + "/telemetry";
        long start = System.currentTimeMillis();
        try (LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), store,
                Duration.ofMillis(400))) {
            // A vehicle sending continuously for a second: back-to-back rounds would be dozens.
            for (int i = 0; System.currentTimeMillis() - start < 1000; i++) {
                projection.update(topic, message(Long.toString(start + i), i % 100), start + i);
                Thread.sleep(2);
            }
            long elapsed = System.currentTimeMillis() - start;
            assertThat(projection.stats().rounds()).isBetween(1L, elapsed / 400 + 1);
            assertThat(projection.stats().coalesced()).isPositive();
        }
        assertThat(store.get(VIN)).isPresent();
    }

    @Test
    void aRoundIntervalThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), store, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round interval must be positive");
    }

    @Test
    void anInvalidMessageIsCountedAsAFailureAndNotStored() {
        String vin = "5YJ3E1EA7KF317012";
        LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), store);
        projection.update("cms/data/" + vin + "/telemetry", ("{\"vin\":\"" + vin + "\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"Vehicle\":{\"Speed\":\"fast\"}}").getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
        projection.close();

        assertThat(store.get(vin)).isEmpty();
        assertThat(projection.stats().failures()).isEqualTo(1);
    }

    @Test
    void aRoundStoresEveryVehiclesNewestStateInBatches() {
        long now = System.currentTimeMillis();
        LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), store,
                Duration.ofHours(1));
        for (int i = 0; i < 60; i++) {
            String vin = String.format("WF0XXXGCDX%07d", i);
            for (int k = 0; k < 3; k++) {
                projection.update("cms/data/" + vin + "/telemetry", ("{\"vin\":\"" + vin + "\",\"timestamp\":" + (now + k)
                        + ",\"Vehicle\":{\"Speed\":" + (i + k) + "}}").getBytes(StandardCharsets.UTF_8), now);
            }
        }
        projection.close();

        assertThat(projection.stats().written()).isEqualTo(60);
        assertThat(projection.stats().coalesced()).isEqualTo(120);
        for (int i = 0; i < 60; i++) {
            VehicleState state = store.get(String.format("WF0XXXGCDX%07d", i)).orElseThrow();
            assertThat(state.timestamp()).isEqualTo(now + 2);
            assertThat(state.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(i + 2);
        }
    }

    @Test
    void aStateTheTableRefusedIsWrittenAgainOnceTheTableIsBack() throws Exception {
        String vin = "5YJ3E1EA7KF317013";
        LatestStateStore late = new LatestStateStore(dynamo.dynamoDbClient(), "created-late");
        LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()), late,
                Duration.ofMillis(50));
        long now = System.currentTimeMillis();
        projection.update("cms/data/" + vin + "/telemetry", ("{\"vin\":\"" + vin + "\",\"timestamp\":" + now
                + ",\"Vehicle\":{\"Speed\":42}}").getBytes(StandardCharsets.UTF_8), now);
        long deadline = System.currentTimeMillis() + 10_000;
        while (projection.stats().failures() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(projection.stats().failures()).as("the write failed while the table was missing").isPositive();
        dynamo.dynamoDbClient().createTable(b -> b.tableName("created-late")
                .attributeDefinitions(a -> a.attributeName("vin").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("vin").keyType(KeyType.HASH)).billingMode(BillingMode.PAY_PER_REQUEST));
        projection.close();

        assertThat(late.get(vin)).get().satisfies(s -> assertThat(s.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(42));
        assertThat(projection.stats().written()).isEqualTo(1);
    }

    @Test
    void aStateTheTableKeepsRefusingIsGivenUpAfterTheLastAttempt() {
        String vin = "5YJ3E1EA7KF317014";
        LatestStateProjection projection = new LatestStateProjection(new TelemetryValidator(VssCatalog.load()),
                new LatestStateStore(dynamo.dynamoDbClient(), "never-created"), Duration.ofHours(1));
        long now = System.currentTimeMillis();
        projection.update("cms/data/" + vin + "/telemetry", ("{\"vin\":\"" + vin + "\",\"timestamp\":" + now
                + ",\"Vehicle\":{\"Speed\":42}}").getBytes(StandardCharsets.UTF_8), now);
        projection.close();

        assertThat(projection.stats().failures()).isEqualTo(LatestStateProjection.MAX_ATTEMPTS);
        assertThat(projection.stats().pending()).isZero();
        assertThat(projection.stats().written()).isZero();
    }
}
