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

    /**
     * Publishes a state of {@link #MOVING} and waits for the projection's first round, which starts
     * at once (the tests' hour-long round interval leaves the next one to flush or close).
     */
    private static void firstRound(IngestJournal journal, LatestStateProjection projection, long timestamp) throws InterruptedException {
        publish(journal, MOVING, timestamp, 10);
        await(() -> projection.stats().written() == 1, "the first round is over");
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

    private LakeWriter lake(Path root) {
        return new LakeWriter(LakeWriterConfig.builder(root).validator(validator).build());
    }

    @Test
    void theCheckpointWaitsForTheLatestStateRoundAfterTheLakeCommittedAndThenReachesTheEnd() throws Exception {
        long now = System.currentTimeMillis();
        try (IngestJournal journal = IngestJournal.open(dir.resolve("journal"));
             LatestStateProjection projection = new LatestStateProjection(validator, store, Duration.ofHours(1))) {
            IngestPipeline pipeline = new IngestPipeline(journal, lake(dir.resolve("lake")), projection, Duration.ofMillis(50));
            try {
                firstRound(journal, projection, now);
                await(pipeline::drained, "the checkpoint reaches the end");

                long parked = publish(journal, PARKED, now, 0);
                publish(journal, MOVING, now + 1, 20);
                await(() -> pipeline.stats().lakeRows() == 3, "the lake committed every message");
                // Several lake commits and idle checkpoint chances later:
                Thread.sleep(5 * IngestPipeline.CHECKPOINT_INTERVAL_MS);
                assertThat(store.get(PARKED)).as("the round has not run").isEmpty();
                assertThat(journal.checkpoint()).as("the checkpoint stays before the first message whose state is not stored")
                        .isEqualTo(parked);
                assertThat(pipeline.drained()).isFalse();

                projection.flush();
                await(pipeline::drained, "the checkpoint reaches the end once the round stored the states");
                assertThat(journal.checkpoint()).isEqualTo(journal.durableEnd());
                assertThat(store.get(PARKED)).isPresent();
                assertThat(store.get(MOVING)).get().satisfies(s -> assertThat(s.timestamp()).isEqualTo(now + 1));
            } finally {
                pipeline.close();
            }
        }
    }

    @Test
    void closingThePipelineStoresThePendingStatesBeforeTheLastCheckpoint() throws Exception {
        String vin = "5YJ3E1EA7KF317023";
        long now = System.currentTimeMillis();
        try (IngestJournal journal = IngestJournal.open(dir.resolve("journal-close"));
             LatestStateProjection projection = new LatestStateProjection(validator, store, Duration.ofHours(1))) {
            IngestPipeline pipeline = new IngestPipeline(journal, lake(dir.resolve("lake-close")), projection, Duration.ofHours(1));
            firstRound(journal, projection, now + 10);
            publish(journal, vin, now, 55);
            await(() -> pipeline.stats().consumed() == 2, "the consumer gave the projection the message");

            // As CmsLocal stops: the pipeline first, the projection after it.
            pipeline.close();
            assertThat(journal.checkpoint()).isEqualTo(journal.durableEnd());
            assertThat(store.get(vin)).as("stored before the last checkpoint").get()
                    .satisfies(s -> assertThat(s.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(55));
        }
    }

    @Test
    void anInvalidNewerMessageDoesNotDisplaceTheValidStateOfTheSameRoundNorHoldTheCheckpoint() throws Exception {
        String vin = "5YJ3E1EA7KF317024";
        long now = System.currentTimeMillis();
        try (IngestJournal journal = IngestJournal.open(dir.resolve("journal-invalid"));
             LatestStateProjection projection = new LatestStateProjection(validator, store, Duration.ofHours(1))) {
            IngestPipeline pipeline = new IngestPipeline(journal, lake(dir.resolve("lake-invalid")), projection, Duration.ofMillis(50));
            try {
                firstRound(journal, projection, now + 20);
                publish(journal, vin, now, 61);
                publish(journal, vin, now + 5, "\"fast\"");
                await(() -> pipeline.stats().quarantined() == 1 && pipeline.stats().lakeRows() == 2, "the lake took both");

                projection.flush();
                await(pipeline::drained, "the checkpoint reaches the end (the refused message holds nothing back)");
                assertThat(store.get(vin)).as("the valid older message of the round is the latest state").get()
                        .satisfies(s -> assertThat(s.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(61));
            } finally {
                pipeline.close();
            }
        }
    }
}
