package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.cms.api.LatestStateStore;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The journal checkpoint against the lake and the latest-state projection, with a real journal, lake and table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestPipelineTest {

    private static final String MOVING = "5YJ3E1EA7KF317021";
    private static final String PARKED = "5YJ3E1EA7KF317022";

    @TempDir
    Path dir;

    private AmazonDynamoDBLocal dynamo;
    private LatestStateStore store;
    private TelemetryValidator validator;

    @BeforeAll
    void start() {
        dynamo = DynamoDBEmbedded.create();
        LatestStateTables.create(dynamo.dynamoDbClient(), "state");
        store = new LatestStateStore(dynamo.dynamoDbClient(), "state");
        validator = new TelemetryValidator(VssCatalog.load());
    }

    @AfterAll
    void stop() {
        dynamo.shutdown();
    }

    private static long publish(IngestJournal journal, String vin, long timestamp, Object speed) {
        byte[] payload = ("{\"vin\":\"" + vin + "\",\"timestamp\":" + timestamp + ",\"Vehicle\":{\"Speed\":" + speed + "}}")
                .getBytes(StandardCharsets.UTF_8);
        return journal.append(new IngestRecord(System.currentTimeMillis(), "cms/data/" + vin + "/telemetry", payload).encode()).join();
    }

    /** The speed in the stored latest state of {@code vin} (fails when there is none). */
    private double storedSpeed(String vin) {
        return store.get(vin).orElseThrow(() -> new AssertionError("no latest state of " + vin))
                .signals().path("Vehicle").path("Speed").asDouble();
    }

    /** Publishes a state of {@link #MOVING} and waits for the projection's first round, which starts at once. */
    private static void firstRound(Rig rig, long timestamp) throws InterruptedException {
        publish(rig.journal, MOVING, timestamp, 10);
        await(() -> rig.projection.stats().written() == 1, "the first round is over");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * A journal, a projection whose rounds after the first wait an hour (so tests run them with
     * flush or close) and a pipeline over both, in their own directories; closes in CmsLocal's order.
     */
    private final class Rig implements AutoCloseable {
        final IngestJournal journal;
        final LatestStateProjection projection;
        final IngestPipeline pipeline;

        Rig(String name, Duration lakeCommitEvery) {
            journal = IngestJournal.open(dir.resolve("journal-" + name));
            projection = new LatestStateProjection(validator, store, Duration.ofHours(1));
            pipeline = new IngestPipeline(journal, new LakeWriter(LakeWriterConfig.builder(dir.resolve("lake-" + name))
                    .validator(validator).build()), projection, lakeCommitEvery);
        }

        @Override
        public void close() {
            pipeline.close();
            projection.close();
            journal.close();
        }
    }

    @Test
    void theCheckpointWaitsForTheLatestStateRoundAfterTheLakeCommittedAndThenReachesTheEnd() throws Exception {
        long now = System.currentTimeMillis();
        try (Rig rig = new Rig("wait", Duration.ofMillis(50))) {
            IngestJournal journal = rig.journal;
            firstRound(rig, now);
            await(rig.pipeline::drained, "the checkpoint reaches the end");

            long parked = publish(journal, PARKED, now, 0);
            publish(journal, MOVING, now + 1, 20);
            await(() -> rig.pipeline.stats().lakeRows() == 3, "the lake committed every message");
            // Several lake commits and idle checkpoint chances later:
            Thread.sleep(5 * IngestPipeline.CHECKPOINT_INTERVAL_MS);
            assertThat(store.get(PARKED)).as("the round has not run").isEmpty();
            assertThat(journal.checkpoint()).as("the checkpoint stays before the first message whose state is not stored")
                    .isEqualTo(parked);
            assertThat(rig.pipeline.drained()).isFalse();

            rig.projection.flush();
            await(rig.pipeline::drained, "the checkpoint reaches the end once the round stored the states");
            assertThat(journal.checkpoint()).isEqualTo(journal.durableEnd());
            assertThat(store.get(PARKED)).isPresent();
            assertThat(store.get(MOVING)).get().satisfies(s -> assertThat(s.timestamp()).isEqualTo(now + 1));
        }
    }

    @Test
    void closingThePipelineStoresThePendingStatesBeforeTheLastCheckpoint() throws Exception {
        String vin = "5YJ3E1EA7KF317023";
        long now = System.currentTimeMillis();
        try (Rig rig = new Rig("close", Duration.ofHours(1))) {
            firstRound(rig, now + 10);
            publish(rig.journal, vin, now, 55);
            await(() -> rig.pipeline.stats().consumed() == 2, "the consumer gave the projection the message");

            // As CmsLocal stops: the pipeline first, the projection after it.
            rig.pipeline.close();
            assertThat(rig.journal.checkpoint()).isEqualTo(rig.journal.durableEnd());
            assertThat(storedSpeed(vin)).as("stored before the last checkpoint").isEqualTo(55);
        }
    }

    @Test
    void anInvalidNewerMessageDoesNotDisplaceTheValidStateOfTheSameRoundNorHoldTheCheckpoint() throws Exception {
        String vin = "5YJ3E1EA7KF317024";
        long now = System.currentTimeMillis();
        try (Rig rig = new Rig("invalid", Duration.ofMillis(50))) {
            firstRound(rig, now + 20);
            publish(rig.journal, vin, now, 61);
            publish(rig.journal, vin, now + 5, "\"fast\"");
            await(() -> rig.pipeline.stats().quarantined() == 1 && rig.pipeline.stats().lakeRows() == 2, "the lake took both");

            rig.projection.flush();
            await(rig.pipeline::drained, "the checkpoint reaches the end (the refused message holds nothing back)");
            assertThat(storedSpeed(vin)).as("the valid older message of the round is the latest state").isEqualTo(61);
        }
    }
}
