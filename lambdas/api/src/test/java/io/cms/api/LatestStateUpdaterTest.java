package io.cms.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateUpdater.Outcome;
import io.cms.api.LatestStateUpdater.Result;
import io.cms.api.testing.DynamoTables;
import io.cms.api.testing.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Lambda's one-message path and the batched path CMS Local's projection uses, both through the ordering guard. */
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

    /** One message as received. */
    private record Message(String topic, byte[] payload, long receivedAt) {
    }

    private static Message message(int vehicle, long timestamp, int i) {
        return message(vehicle, Telemetry.message(vehicle, timestamp, i));
    }

    private static Message message(int vehicle, ObjectNode body) {
        return new Message(Telemetry.topic(Telemetry.vin(vehicle)), Telemetry.bytes(body), T);
    }

    private Result apply(Message m) {
        return updater.apply(m.topic(), m.payload(), m.receivedAt());
    }

    private static io.cms.connectstore.telemetry.Telemetry validated(Message m) {
        return ((Verdict.Accepted) new TelemetryValidator(VssCatalog.load()).validate(m.topic(), m.payload(), m.receivedAt()))
                .telemetry();
    }

    @Test
    void applyValidatesAMessageAndStoresItOnlyWhenNewer() {
        assertThat(apply(message(12, T + 5_000, 1)).outcome()).isEqualTo(Outcome.UPDATED);
        ObjectNode wrongType = Telemetry.message(11, T, 1);
        wrongType.with("Vehicle").put("Speed", "fast");

        Result wrong = apply(message(11, wrongType));
        Result notJson = apply(new Message(Telemetry.topic(Telemetry.vin(13)), "{not json".getBytes(StandardCharsets.UTF_8), T));

        assertThat(List.of(apply(message(10, T, 3)), wrong, apply(message(12, T, 2)), notJson))
                .extracting(Result::outcome)
                .containsExactly(Outcome.UPDATED, Outcome.REJECTED, Outcome.OLDER, Outcome.REJECTED);
        assertThat(wrong.reason()).contains("Speed");
        assertThat(notJson.reason()).contains("not JSON");
        assertThat(store.get(Telemetry.vin(10)).orElseThrow().signals().at("/Vehicle/Speed").floatValue())
                .isEqualTo((float) Telemetry.speed(10, 3));
        assertThat(store.get(Telemetry.vin(11))).isEmpty();
        assertThat(store.get(Telemetry.vin(12)).orElseThrow().timestamp()).isEqualTo(T + 5_000);
        assertThat(store.get(Telemetry.vin(13))).isEmpty();
    }

    @Test
    void storeAllAppliesValidatedMessagesThroughTheOrderingGuard() {
        assertThat(apply(message(22, T + 3_000, 1)).outcome()).isEqualTo(Outcome.UPDATED);
        List<io.cms.connectstore.telemetry.Telemetry> valid = Stream.of(message(20, T + 2_000, 1), message(21, T, 2),
                message(22, T + 1_000, 3)).map(LatestStateUpdaterTest::validated).toList();

        assertThat(updater.storeAll(valid)).extracting(Result::outcome)
                .containsExactly(Outcome.UPDATED, Outcome.UPDATED, Outcome.OLDER);
        assertThat(store.get(Telemetry.vin(20)).orElseThrow().timestamp()).isEqualTo(T + 2_000);
        assertThat(store.get(Telemetry.vin(21)).orElseThrow().signals().at("/Vehicle/Speed").floatValue())
                .isEqualTo((float) Telemetry.speed(21, 2));
        assertThat(store.get(Telemetry.vin(22)).orElseThrow().timestamp()).isEqualTo(T + 3_000);
    }

    @Test
    void storeAllRefusesAVehicleTwiceBeforeWritingAnything() {
        List<io.cms.connectstore.telemetry.Telemetry> twice = Stream.of(message(30, T + 2_000, 1), message(31, T, 2),
                message(30, T + 1_000, 3)).map(LatestStateUpdaterTest::validated).toList();

        assertThatThrownBy(() -> updater.storeAll(twice)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Telemetry.vin(30)).hasMessageContaining("twice");
        assertThat(store.get(Telemetry.vin(30))).isEmpty();
        assertThat(store.get(Telemetry.vin(31))).isEmpty();
    }
}
