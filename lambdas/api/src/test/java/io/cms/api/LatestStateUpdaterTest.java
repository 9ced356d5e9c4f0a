package io.cms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateUpdater.Message;
import io.cms.api.LatestStateUpdater.Outcome;
import io.cms.api.LatestStateUpdater.Result;
import io.cms.api.testing.DynamoTables;
import io.cms.api.testing.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The batched path CMS Local's projection uses gives every message the outcome the one-by-one path gives. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateUpdaterTest {

    static final long T = Instant.parse("2026-12-03T08:00:00Z").toEpochMilli();

    private AmazonDynamoDBLocal local;
    private LatestStateStore store;
    private LatestStateUpdater updater;

    @BeforeAll
    void start() {
        local = DynamoDBEmbedded.create();
        DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
        store = new LatestStateStore(local.dynamoDbClient(), "LatestState");
        updater = new LatestStateUpdater(new TelemetryValidator(VssCatalog.load()), store);
    }

    @AfterAll
    void stop() {
        local.shutdown();
    }

    private static Message message(int vehicle, long timestamp, int i) {
        return message(vehicle, Telemetry.message(vehicle, timestamp, i));
    }

    private static Message message(int vehicle, ObjectNode body) {
        return new Message(Telemetry.topic(Telemetry.vin(vehicle)), Telemetry.bytes(body), T);
    }

    @Test
    void aBatchValidatesEachMessageAndStoresOnlyNewerStates() {
        assertThat(updater.apply(Telemetry.topic(Telemetry.vin(12)), Telemetry.bytes(Telemetry.message(12, T + 5_000, 1)), T)
                .outcome()).isEqualTo(Outcome.UPDATED);
        ObjectNode wrongType = Telemetry.message(11, T, 1);
        wrongType.with("Vehicle").put("Speed", "fast");

        List<Result> results = updater.applyAll(List.of(
                message(10, T, 3),
                message(11, wrongType),
                message(12, T, 2),
                new Message(Telemetry.topic(Telemetry.vin(13)), "{not json".getBytes(StandardCharsets.UTF_8), T),
                message(14, T, 4),
                message(14, T + 1_000, 5)));

        assertThat(results).extracting(Result::outcome).containsExactly(Outcome.UPDATED, Outcome.REJECTED,
                Outcome.OLDER, Outcome.REJECTED, Outcome.UPDATED, Outcome.UPDATED);
        assertThat(results.get(1).reason()).contains("Speed");
        assertThat(results.get(3).reason()).contains("not JSON");
        assertThat(store.get(Telemetry.vin(10)).orElseThrow().signals().at("/Vehicle/Speed").floatValue())
                .isEqualTo((float) Telemetry.speed(10, 3));
        assertThat(store.get(Telemetry.vin(11))).isEmpty();
        assertThat(store.get(Telemetry.vin(12)).orElseThrow().timestamp()).isEqualTo(T + 5_000);
        assertThat(store.get(Telemetry.vin(13))).isEmpty();
        assertThat(store.get(Telemetry.vin(14)).orElseThrow().timestamp()).as("the second message of a vehicle is applied after the batch")
                .isEqualTo(T + 1_000);
    }

    @Test
    void storeAllAppliesValidatedMessagesThroughTheOrderingGuard() {
        TelemetryValidator validator = new TelemetryValidator(VssCatalog.load());
        List<io.cms.connectstore.telemetry.Telemetry> valid = java.util.stream.Stream.of(
                        message(20, T + 2_000, 1), message(21, T, 2), message(20, T + 1_000, 3))
                .map(m -> ((io.cms.connectstore.telemetry.Verdict.Accepted) validator.validate(m.topic(), m.payload(), m.receivedAt()))
                        .telemetry())
                .toList();

        assertThat(updater.storeAll(valid)).extracting(Result::outcome)
                .containsExactly(Outcome.UPDATED, Outcome.UPDATED, Outcome.OLDER);
        assertThat(store.get(Telemetry.vin(20)).orElseThrow().timestamp()).isEqualTo(T + 2_000);
        assertThat(store.get(Telemetry.vin(21)).orElseThrow().signals().at("/Vehicle/Speed").floatValue())
                .isEqualTo((float) Telemetry.speed(21, 2));
    }
}
