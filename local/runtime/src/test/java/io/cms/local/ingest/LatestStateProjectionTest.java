package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.api.LatestStateStore;
import io.cms.api.VehicleState;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.local.LocalDynamoFixture;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateProjectionTest {

    private static final String VIN = "5YJ3E1EA7KF317011";

    @RegisterExtension
    static final LocalDynamoFixture LOCAL = new LocalDynamoFixture();

    private LatestStateStore store;

    @BeforeAll
    void start() {
        store = new LatestStateStore(LOCAL.dynamo().client(), LOCAL.freshTables("projection").vehicleState());
    }

    /** Journal offsets for the messages given, increasing across the tests (each projection only needs them to grow). */
    private long nextOffset = 1000;

    private static final TelemetryValidator VALIDATOR = new TelemetryValidator(VssCatalog.load());

    /**
     * Gives the projection a message as the ingest consumer does (only when the lake writer's
     * validation accepts it; a refused one just takes its place in the journal); returns its
     * journal offset.
     */
    private long give(LatestStateProjection projection, String topic, byte[] payload, long receivedAt) {
        long offset = nextOffset;
        nextOffset += 100;
        if (VALIDATOR.validate(topic, payload, receivedAt) instanceof Verdict.Accepted accepted) {
            projection.update(offset, nextOffset, accepted.telemetry());
        }
        return offset;
    }

    private static Telemetry valid(byte[] payload) {
        return ((Verdict.Accepted) VALIDATOR.validate("cms/data/" + VIN + "/telemetry", payload, System.currentTimeMillis()))
                .telemetry();
    }

    private static byte[] state(String vin, long timestamp, int speed) {
        return ("{\"vin\":\"" + vin + "\",\"timestamp\":" + timestamp + ",\"Vehicle\":{\"Speed\":" + speed + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static byte[] message(String timestamp, double speed) {
        return ("{\"vin\":\"" + VIN + "\"" + (timestamp == null ? "" : ",\"timestamp\":" + timestamp)
                + ",\"Vehicle\":{\"Speed\":" + speed + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theNewestMessageWinsEvenWhenItArrivesFirst() throws Exception {
        long now = System.currentTimeMillis();
        try (LatestStateProjection projection = new LatestStateProjection(VALIDATOR, store)) {
            String topic = "cms/data/" + VIN + "/telemetry";
            give(projection, topic, message(Long.toString(now), 50), now);
            give(projection, topic, message(Long.toString(now - 5000), 10), now);
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
        try (LatestStateProjection projection = new LatestStateProjection(VALIDATOR, store,
                Duration.ofMillis(400))) {
            // A vehicle sending continuously for a second: back-to-back rounds would be dozens.
            for (int i = 0; System.currentTimeMillis() - start < 1000; i++) {
                give(projection, topic, message(Long.toString(start + i), i % 100), start + i);
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
        assertThatThrownBy(() -> new LatestStateProjection(VALIDATOR, store, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round interval must be positive");
    }

    @Test
    void aRoundStoresEveryVehiclesNewestStateInBatches() throws Exception {
        long now = System.currentTimeMillis();
        LatestStateProjection projection = new LatestStateProjection(VALIDATOR, store,
                Duration.ofHours(1));
        // A first round (it starts as soon as something is pending); the next one waits an hour,
        // so all of the following is written by the round of close().
        give(projection, "cms/data/" + VIN + "/telemetry", message(Long.toString(now), 1), now);
        await(() -> projection.stats().written() == 1, "the first round is stored");
        for (int i = 0; i < 60; i++) {
            String vin = String.format("WF0XXXGCDX%07d", i);
            for (int k = 0; k < 3; k++) {
                give(projection, "cms/data/" + vin + "/telemetry", state(vin, now + k, i + k), now);
            }
        }
        projection.close();

        assertThat(projection.stats().written()).isEqualTo(1 + 60);
        assertThat(projection.stats().rounds()).isEqualTo(2);
        assertThat(projection.stats().coalesced()).isEqualTo(120);
        for (int i = 0; i < 60; i++) {
            VehicleState state = store.get(String.format("WF0XXXGCDX%07d", i)).orElseThrow();
            assertThat(state.timestamp()).isEqualTo(now + 2);
            assertThat(state.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(i + 2);
        }
    }

    @Test
    void storedThroughDoesNotPassAStateThatIsNotStoredYet() throws Exception {
        String parked = "5YJ3E1EA7KF317015";
        String other = "5YJ3E1EA7KF317016";
        long now = System.currentTimeMillis();
        try (LatestStateProjection projection = new LatestStateProjection(VALIDATOR, store,
                Duration.ofHours(1))) {
            give(projection, "cms/data/" + other + "/telemetry", state(other, now, 1), now);
            // The first round starts at once; the next one not for an hour.
            await(() -> projection.stats().written() == 1 && projection.storedThrough() == Long.MAX_VALUE,
                    "the first round is stored (nothing given is held back)");

            long newest = give(projection, "cms/data/" + parked + "/telemetry", state(parked, now, 33), now);
            give(projection, "cms/notification/" + parked, state(parked, now, 1), now);
            Thread.sleep(100);
            assertThat(projection.storedThrough()).as("the parked vehicle's newest state is only pending").isEqualTo(newest);
            assertThat(store.get(parked)).isEmpty();

            projection.flush();
            assertThat(store.get(parked)).get().satisfies(s -> assertThat(s.signals().path("Vehicle").path("Speed").asDouble())
                    .isEqualTo(33));
            assertThat(projection.storedThrough()).as("everything given is stored").isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void aStateTheTableRefusedHoldsStoredThroughAtItsOffsetAndIsWrittenOnceTheTableIsBack() throws Exception {
        String vin = "5YJ3E1EA7KF317017";
        LatestStateStore late = new LatestStateStore(LOCAL.dynamo().client(), "created-later");
        try (LatestStateProjection projection = new LatestStateProjection(VALIDATOR, late,
                Duration.ofMillis(200))) {
            long now = System.currentTimeMillis();
            long refused = give(projection, "cms/data/" + vin + "/telemetry", state(vin, now, 42), now);
            await(() -> projection.stats().failures() > 0, "a write failed");
            // Messages after it that need no write (another topic) do not move it past the refused state.
            give(projection, "cms/notification/" + vin, state(vin, now, 1), now);
            Thread.sleep(250);
            assertThat(projection.stats().failures()).isLessThan(LatestStateProjection.MAX_ATTEMPTS);
            assertThat(projection.storedThrough()).as("held at the state put back for a retry").isEqualTo(refused);

            LOCAL.dynamo().ensureTable("created-later", "vin", null, null);
            await(() -> projection.stats().written() == 1, "the retry stored the state");
            await(() -> projection.storedThrough() == Long.MAX_VALUE, "everything given is stored");
            assertThat(projection.stats().written()).isEqualTo(1);
        }
        assertThat(late.get(vin)).get().satisfies(s -> assertThat(s.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(42));
    }

    @Test
    void aStateTheTableKeepsRefusingIsGivenUpAfterTheLastAttemptAndNoLongerHoldsStoredThrough() {
        String vin = "5YJ3E1EA7KF317018";
        LatestStateProjection projection = new LatestStateProjection(VALIDATOR,
                new LatestStateStore(LOCAL.dynamo().client(), "never-created-either"), Duration.ofHours(1));
        long now = System.currentTimeMillis();
        give(projection, "cms/data/" + vin + "/telemetry", state(vin, now, 42), now);
        projection.flush();

        assertThat(projection.stats().failures()).isEqualTo(LatestStateProjection.MAX_ATTEMPTS);
        assertThat(projection.stats().pending()).isZero();
        assertThat(projection.stats().written()).isZero();
        assertThat(projection.storedThrough()).as("the lake has the message; the checkpoint may pass it").isEqualTo(Long.MAX_VALUE);
        projection.close();
    }

    @Test
    void offsetsThatDoNotIncreaseAreRefused() {
        try (LatestStateProjection projection = new LatestStateProjection(VALIDATOR, store,
                Duration.ofHours(1))) {
            long now = System.currentTimeMillis();
            projection.update(500, 600, valid(message(Long.toString(now), 1)));
            assertThatThrownBy(() -> projection.update(100, 200, valid(message(Long.toString(now + 1), 1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offsets must increase");
            assertThatThrownBy(() -> projection.update(700, 700, valid(message(Long.toString(now + 2), 1))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
