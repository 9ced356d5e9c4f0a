package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.cms.api.LatestStateStore;
import io.cms.connectstore.lake.LakeLayout;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.local.LocalDynamoFixture;
import io.cms.local.LogCapture;
import io.cms.vss.VssCatalog;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The journal checkpoint against the lake and the latest-state projection, with a real journal, lake and table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestPipelineTest {

    private static final String MOVING = "5YJ3E1EA7KF317021";
    private static final String PARKED = "5YJ3E1EA7KF317022";

    @TempDir
    Path dir;

    @RegisterExtension
    static final LocalDynamoFixture LOCAL = new LocalDynamoFixture();

    private LatestStateStore store;
    private TelemetryValidator validator;

    @BeforeAll
    void start() {
        store = new LatestStateStore(LOCAL.dynamo().client(), LOCAL.freshTables("ingest").vehicleState());
        validator = new TelemetryValidator(VssCatalog.load());
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

    /** A pipeline into the lake {@code lake-<name>} that retries every 20 to 100 ms and records the offsets given to the projection. */
    private IngestPipeline retrying(IngestJournal journal, String name, List<Long> given) {
        return new IngestPipeline(journal, new LakeWriter(LakeWriterConfig.builder(dir.resolve("lake-" + name)).validator(validator).build()),
                (offset, next, telemetry) -> given.add(offset), Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(100),
                Clock.systemUTC());
    }

    /** A pipeline into the lake {@code lake-<name>} that retries every 1 to 5 ms and times its failure logs with {@code clock}. */
    private IngestPipeline retryingFast(IngestJournal journal, String name, Clock clock) {
        return new IngestPipeline(journal, new LakeWriter(LakeWriterConfig.builder(dir.resolve("lake-" + name)).validator(validator).build()),
                (offset, next, telemetry) -> { }, Duration.ofMillis(20), Duration.ofMillis(1), Duration.ofMillis(5), clock);
    }

    /** The Parquet rows in the lake {@code lake-<name>}. */
    private long lakeRows(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet r = c.createStatement().executeQuery("select count(*) from read_parquet('"
                     + dir.resolve("lake-" + name).resolve(LakeLayout.PARQUET).toAbsolutePath() + "/**/*.parquet')")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aCheckpointThatCannotBeWrittenIsRetriedUntilItCanAndEveryMessageReachesTheLakeOnce() throws Exception {
        Path journalDir = dir.resolve("journal-checkpoint");
        Path obstacle = Files.createDirectories(journalDir.resolve("ingest.checkpoint.tmp"));
        List<Long> given = new CopyOnWriteArrayList<>();
        long now = System.currentTimeMillis();
        try (IngestJournal journal = IngestJournal.open(journalDir);
             IngestPipeline pipeline = retrying(journal, "checkpoint", given)) {
            publish(journal, MOVING, now, 1);
            publish(journal, PARKED, now, 2);
            await(() -> pipeline.failure() != null, "the checkpoint write fails");
            assertThat(pipeline.failure()).hasMessageContaining("checkpoint");
            Throwable first = pipeline.failure();
            await(() -> pipeline.failure() != first, "the consumer tries again");
            assertThat(journal.checkpoint()).isZero();

            Files.delete(obstacle);
            publish(journal, MOVING, now + 1, 3);
            publish(journal, PARKED, now + 1, 4);
            await(pipeline::drained, "the checkpoint reaches the end once it can be written");
            await(() -> pipeline.failure() == null, "the consumer recovered");
            assertThat(pipeline.stats().lakeRows()).isEqualTo(4);
            assertThat(lakeRows("checkpoint")).isEqualTo(4);
            assertThat(given).hasSize(4).doesNotHaveDuplicates();
        }
    }

    @Test
    void aLakeWriteFailureDiscardsTheBatchAndRetriesItWithoutGivingTheProjectionAMessageTwice() throws Exception {
        long now = System.currentTimeMillis();
        long past = Instant.parse("2025-06-01T10:15:00Z").toEpochMilli();
        // A regular file where the past hour's directory goes: the lake cannot write that hour.
        Path obstacle = dir.resolve("lake-write").resolve(LakeLayout.PARQUET).resolve(LakeLayout.partition(past));
        Files.createDirectories(obstacle.getParent());
        Files.writeString(obstacle, "in the way");
        List<Long> given = new CopyOnWriteArrayList<>();
        try (IngestJournal journal = IngestJournal.open(dir.resolve("journal-write"))) {
            long moving = publish(journal, MOVING, now, 1);
            long parked = publish(journal, PARKED, past, 2);
            try (IngestPipeline pipeline = retrying(journal, "write", given)) {
                await(() -> pipeline.failure() != null, "the lake write fails");
                Throwable first = pipeline.failure();
                await(() -> pipeline.failure() != first, "the consumer tries again");
                assertThat(pipeline.stats().lakeRows()).as("the failed batch was discarded").isZero();
                assertThat(given).as("the message before the failure, given once").containsExactly(moving);

                Files.delete(obstacle);
                long later = publish(journal, MOVING, now + 1, 3);
                await(() -> pipeline.drained() && pipeline.stats().lakeRows() == 3, "everything reaches the lake");
                // The round that wrote the rows clears the failure once it returns, just after.
                await(() -> pipeline.failure() == null, "the consumer recovered");
                assertThat(lakeRows("write")).isEqualTo(3);
                assertThat(given).containsExactly(moving, parked, later);
            }
        }
    }

    /**
     * A journal (of 64-byte segments: one record each) of three messages whose middle record is
     * damaged; returns the records' offsets.
     */
    private static long[] journalWithADamagedMiddleRecord(Path journalDir) throws Exception {
        long[] offsets = new long[3];
        try (IngestJournal journal = IngestJournal.open(journalDir, IngestJournal.SyncPolicy.WRITE, 64)) {
            for (int i = 0; i < 3; i++) {
                offsets[i] = publish(journal, MOVING, System.currentTimeMillis() + i, i);
            }
        }
        // Damage the middle one's data (not the newest segment, which opening would cut).
        try (FileChannel c = FileChannel.open(journalDir.resolve(String.format("ingest-%020d.segment", offsets[1])),
                StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(new byte[] {'#'}), 20);
        }
        return offsets;
    }

    @Test
    void aLastingFailureLogsAnErrorOncePerIntervalNotAtEveryRetryAndItsRecoveryOnce() throws Exception {
        Path journalDir = dir.resolve("journal-throttle");
        Path obstacle = Files.createDirectories(journalDir.resolve("ingest.checkpoint.tmp"));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        try (LogCapture logs = LogCapture.of(IngestPipeline.class);
             IngestJournal journal = IngestJournal.open(journalDir);
             IngestPipeline pipeline = retryingFast(journal, "throttle", clock)) {
            publish(journal, MOVING, System.currentTimeMillis(), 1);
            awaitRetries(logs, 5);
            assertThat(logs.messages(Level.ERROR)).singleElement().asString()
                    .startsWith("the ingest consumer failed at journal offset ").contains("checkpoint")
                    .doesNotContain(IngestPipeline.DAMAGED_RECORD_HINT);

            clock.advance(Duration.ofMillis(IngestPipeline.FAILURE_LOG_INTERVAL_MS - 1));
            awaitRetries(logs, 5);
            assertThat(logs.messages(Level.ERROR)).as("not before the interval is over").hasSize(1);

            clock.advance(Duration.ofMillis(1));
            await(() -> logs.messages(Level.ERROR).size() == 2, "the failure is logged again");
            awaitRetries(logs, 5);
            List<String> errors = logs.messages(Level.ERROR);
            assertThat(errors).as("once in the interval").hasSize(2);
            assertThat(errors.get(1)).startsWith("the ingest consumer has been failing for 30 s (")
                    .doesNotContain(IngestPipeline.DAMAGED_RECORD_HINT);
            assertThat(logs.messages(Level.WARN)).isEmpty();

            Files.delete(obstacle);
            await(() -> pipeline.failure() == null, "the consumer recovered");
            publish(journal, MOVING, System.currentTimeMillis(), 2);
            await(pipeline::drained, "the consumer goes on");
            assertThat(logs.messages(Level.INFO)).filteredOn(m -> m.contains("recovered")).singleElement().asString()
                    .startsWith("the ingest consumer recovered after ").contains(" failed attempts in 30 s");
            assertThat(logs.messages(Level.ERROR)).hasSize(2);
        }
    }

    @Test
    void aFailureAtADamagedJournalRecordLogsHowToRecoverFromTheFirstError() throws Exception {
        Path journalDir = dir.resolve("journal-hint");
        long[] offsets = journalWithADamagedMiddleRecord(journalDir);
        // The consumer starts right at the damaged record.
        Files.writeString(journalDir.resolve("ingest.checkpoint"), Long.toString(offsets[1]));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        try (LogCapture logs = LogCapture.of(IngestPipeline.class);
             IngestJournal journal = IngestJournal.open(journalDir, IngestJournal.SyncPolicy.WRITE, 64);
             IngestPipeline pipeline = retryingFast(journal, "hint", clock)) {
            awaitRetries(logs, 3);
            assertThat(logs.messages(Level.ERROR)).singleElement().asString()
                    .startsWith("the ingest consumer failed at journal offset " + offsets[1] + ": ")
                    .contains("journal record at " + offsets[1] + " in ").endsWith(IngestPipeline.DAMAGED_RECORD_HINT);

            clock.advance(Duration.ofMillis(IngestPipeline.FAILURE_LOG_INTERVAL_MS));
            await(() -> logs.messages(Level.ERROR).size() == 2, "the failure is logged again");
            assertThat(logs.messages(Level.ERROR).get(1)).startsWith("the ingest consumer has been failing for 30 s")
                    .endsWith(IngestPipeline.DAMAGED_RECORD_HINT);
            assertThat(pipeline.failure()).isInstanceOf(IngestJournal.DamagedRecordException.class);
        }
    }

    /** Waits until the consumer has failed {@code more} more times (each failure is logged: between two ERRORs at DEBUG). */
    private static void awaitRetries(LogCapture logs, int more) throws InterruptedException {
        long target = failuresLogged(logs) + more;
        await(() -> failuresLogged(logs) >= target, more + " more failures");
    }

    private static long failuresLogged(LogCapture logs) {
        return logs.count(Level.DEBUG, "failed again") + logs.count(Level.WARN, "failed") + logs.count(Level.ERROR, "fail");
    }

    @Test
    void aDamagedJournalRecordIsNeverSkippedAndMovingTheCheckpointPastItsSegmentRecovers() throws Exception {
        Path journalDir = dir.resolve("journal-damaged");
        long[] offsets = journalWithADamagedMiddleRecord(journalDir);
        String damaged = String.format("ingest-%020d.segment", offsets[1]);
        List<Long> given = new CopyOnWriteArrayList<>();
        try (IngestJournal journal = IngestJournal.open(journalDir, IngestJournal.SyncPolicy.WRITE, 64);
             IngestPipeline pipeline = retrying(journal, "damaged", given)) {
            await(() -> pipeline.failure() != null && journal.checkpoint() == offsets[1], "the record before the damage is consumed");
            assertThat(pipeline.failure()).hasMessageContaining("journal record at " + offsets[1] + " in " + damaged + " is corrupt");
            Throwable first = pipeline.failure();
            await(() -> pipeline.failure() != first, "the consumer tries again");
            assertThat(given).as("nothing after the damaged record is skipped to").containsExactly(offsets[0]);
            assertThat(journal.checkpoint()).isEqualTo(offsets[1]);
        }
        // The operator's recovery (see Durability in docs/local/cms-local.md): the checkpoint moves to the next segment.
        Files.writeString(journalDir.resolve("ingest.checkpoint"), Long.toString(offsets[2]));
        try (IngestJournal journal = IngestJournal.open(journalDir, IngestJournal.SyncPolicy.WRITE, 64);
             IngestPipeline pipeline = retrying(journal, "damaged", given)) {
            await(pipeline::drained, "the records after the damaged segment are consumed");
            assertThat(pipeline.failure()).isNull();
            assertThat(given).containsExactly(offsets[0], offsets[2]);
            assertThat(Files.exists(journalDir.resolve(damaged))).as("the damaged segment is dropped").isFalse();
        }
    }
}
