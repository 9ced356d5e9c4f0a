package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.connectstore.lake.CommittedBatch;
import io.cms.connectstore.lake.HourCompactor;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCompactionTest {

    private static final String VIN = "5YJ3E1EA7KF317031";
    private static final long NOW = Instant.parse("2026-12-03T10:20:00Z").toEpochMilli();
    private static final long HOUR = io.cms.connectstore.lake.LakeLayout.HOUR_MS;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    Path lake;

    /** Writes {@code batches} committed batches of {@code rows} messages measured in the hour starting at {@code hourStart}. */
    private void write(long hourStart, int batches, int rows) {
        write(hourStart, batches, rows, batch -> { });
    }

    /** {@link #write(long, int, int)} with a writer that tells {@code onCommit} about each batch. */
    private void write(long hourStart, int batches, int rows, java.util.function.Consumer<CommittedBatch> onCommit) {
        TelemetryValidator validator = new TelemetryValidator(VssCatalog.load());
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(lake).validator(validator).clock(CLOCK).onCommit(onCommit)
                .build())) {
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < rows; i++) {
                    long ts = hourStart + b * 60_000L + i;
                    byte[] payload = ("{\"vin\":\"" + VIN + "\",\"timestamp\":" + ts + ",\"Vehicle\":{\"Speed\":" + i + "}}")
                            .getBytes(StandardCharsets.UTF_8);
                    w.accept("cms/data/" + VIN + "/telemetry", payload, NOW);
                }
                w.flush();
            }
        }
    }

    private long files(long hourStart) throws Exception {
        Path dir = lake.resolve("parquet/" + io.cms.connectstore.lake.LakeLayout.partition(hourStart));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    private long rows() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet r = c.createStatement().executeQuery("select count(*) from read_parquet('"
                     + lake.resolve("parquet").toAbsolutePath() + "/**/*.parquet')")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void mergesEveryClosedHourWithSeveralFilesAndLeavesTheOthersAlone() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        long lastHour = twoHoursAgo + HOUR; // ended 20 minutes ago: closed after the 5-minute grace
        long current = lastHour + HOUR;
        long yesterday = twoHoursAgo - 22 * HOUR;
        write(twoHoursAgo, 3, 10);
        write(lastHour, 4, 5);
        write(current, 2, 7);
        write(yesterday, 1, 3);
        long before = rows();

        List<HourCompactor.Result> merged = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock())
                .runOnce();

        assertThat(merged).extracting(HourCompactor.Result::inputs).containsExactly(3, 4);
        assertThat(files(twoHoursAgo)).isEqualTo(1);
        assertThat(files(lastHour)).isEqualTo(1);
        assertThat(files(current)).as("the current hour may still get files").isEqualTo(2);
        assertThat(files(yesterday)).as("one file: nothing to merge").isEqualTo(1);
        assertThat(rows()).isEqualTo(before).isEqualTo(30 + 20 + 14 + 3);
    }

    @Test
    void aLaterRunListsNoHourItAlreadyLeftAtOneFile() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        long current = twoHoursAgo + 2 * HOUR;
        long yesterday = twoHoursAgo - 22 * HOUR;
        write(twoHoursAgo, 3, 2);
        write(yesterday, 1, 3);
        write(current, 2, 2);
        LakeCompaction compaction = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock());

        assertThat(compaction.runOnce()).extracting(HourCompactor.Result::inputs).containsExactly(3);
        assertThat(compaction.hoursListed()).as("the first run lists every closed hour once").isEqualTo(2);

        assertThat(compaction.runOnce()).isEmpty();
        assertThat(compaction.runOnce()).isEmpty();
        assertThat(compaction.hoursListed()).as("both closed hours are at one file; the current one is not closed").isEqualTo(2);
        assertThat(files(current)).isEqualTo(2);
    }

    @Test
    void anHourTheWriterCommitsIntoAgainIsCompactedAtTheNextRun() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        long lastHour = twoHoursAgo + HOUR;
        write(twoHoursAgo, 2, 3);
        write(lastHour, 1, 2);
        // A clock that moves between runs, as the real one does: the merged file's name carries the time.
        io.cms.lambda.common.testing.MutableClock clock = new io.cms.lambda.common.testing.MutableClock(CLOCK.instant());
        LakeCompaction compaction = new LakeCompaction(lake, clock, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock());
        assertThat(compaction.runOnce()).hasSize(1);
        long listed = compaction.hoursListed();
        clock.advance(Duration.ofMinutes(5));

        // Late messages into the compacted hour, and a batch with no Parquet hour (only other archives and a stray directory).
        write(twoHoursAgo, 2, 4, compaction::committed);
        compaction.committed(new CommittedBatch("b", List.of("raw/" + io.cms.connectstore.lake.LakeLayout.partition(lastHour) + "/b.json.gz",
                "quarantine/" + io.cms.connectstore.lake.LakeLayout.partition(lastHour) + "/b.json.gz", "parquet/notes/b.parquet"), 1, 1));
        assertThat(files(twoHoursAgo)).isEqualTo(3);

        assertThat(compaction.runOnce()).extracting(HourCompactor.Result::inputs).containsExactly(3);
        assertThat(compaction.hoursListed() - listed).as("only the hour written into again").isEqualTo(1);
        assertThat(files(twoHoursAgo)).isEqualTo(1);
        assertThat(rows()).isEqualTo(6 + 8 + 2);
    }

    @Test
    void theBootsScanSparesTheFirstRunItsOwnAndAFailedHourIsTriedAgain() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        write(twoHoursAgo, 2, 3);
        Path corrupt = lake.resolve("parquet/" + io.cms.connectstore.lake.LakeLayout.partition(twoHoursAgo) + "/corrupt.parquet");
        Files.writeString(corrupt, "PAR1");
        LakeCompaction compaction = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock());
        assertThat(compaction.finishInterrupted()).isZero();
        write(twoHoursAgo - HOUR, 2, 1); // after the boot's scan, by a writer that reports to no compaction

        assertThat(compaction.runOnce()).as("the corrupt file fails the hour").isEmpty();
        assertThat(compaction.hoursListed()).as("the hours the boot found, not the one written after").isEqualTo(1);
        assertThat(files(twoHoursAgo - HOUR)).isEqualTo(2);

        Files.delete(corrupt);
        assertThat(compaction.runOnce()).extracting(HourCompactor.Result::inputs).containsExactly(2);
        assertThat(compaction.hoursListed()).isEqualTo(2);
    }

    @Test
    void anHourInsideItsGracePeriodWaitsForTheNextRun() throws Exception {
        long lastHour = NOW - NOW % HOUR - HOUR; // ended 20 minutes ago
        write(lastHour, 2, 3);

        assertThat(new LakeCompaction(lake, CLOCK, Duration.ofMinutes(30), new ReentrantReadWriteLock().writeLock()).runOnce())
                .isEmpty();
        assertThat(files(lastHour)).isEqualTo(2);
    }

    @Test
    void directoriesThatNameNoHourAreSkippedWithoutStoppingTheRun() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        write(twoHoursAgo, 2, 3);
        Files.createDirectories(lake.resolve("parquet/year=2026/month=13/day=1/hour=1"));
        Files.createDirectories(lake.resolve("parquet/year=2026/month=12/day=3/notes"));

        assertThat(new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock()).runOnce())
                .hasSize(1);
        assertThat(io.cms.connectstore.lake.LakeLayout.hourStart("year=2026/month=13/day=1/hour=1")).isEqualTo(Long.MIN_VALUE);
        assertThat(io.cms.connectstore.lake.LakeLayout.hourStart("year=2026/month=12/day=3/hour=7"))
                .isEqualTo(Instant.parse("2026-12-03T07:00:00Z").toEpochMilli());
    }

    @Test
    void aLakeWithoutParquetYetIsNothingToDo() {
        assertThat(new LakeCompaction(lake.resolve("empty"), CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock())
                .runOnce()).isEmpty();
    }

    /** The hour's files by name with their bytes. */
    private Map<String, byte[]> contents(long hourStart) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(lake.resolve("parquet/" + io.cms.connectstore.lake.LakeLayout.partition(hourStart)))) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "PAR1", "not a parquet file at all, just some bytes"})
    void anHourThatCannotBeCompactedDoesNotStopTheOthers(String corrupt) throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        long lastHour = twoHoursAgo + HOUR;
        write(twoHoursAgo, 2, 3);
        write(lastHour, 3, 4);
        Files.writeString(lake.resolve("parquet/" + io.cms.connectstore.lake.LakeLayout.partition(twoHoursAgo) + "/corrupt.parquet"),
                corrupt);
        Map<String, byte[]> before = contents(twoHoursAgo);

        List<HourCompactor.Result> merged = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock())
                .runOnce();

        assertThat(merged).extracting(HourCompactor.Result::inputs).containsExactly(3);
        assertThat(files(lastHour)).isEqualTo(1);
        Map<String, byte[]> after = contents(twoHoursAgo);
        assertThat(after).as("the failing hour's files are unchanged").containsOnlyKeys(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void startingTwiceIsRefusedAndCloseStopsTheTimer() throws InterruptedException {
        LakeCompaction compaction = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock());
        try (compaction) {
            compaction.start(Duration.ofMillis(20));
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("lake-compaction") && t.isAlive());
            assertThatThrownBy(() -> compaction.start(Duration.ofMillis(20))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("lake compaction already started");
        }
        // The pool is terminated when close() returns; its worker thread may still be on its way out.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("lake-compaction") && t.isAlive())
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("lake-compaction") && t.isAlive());
        compaction.close(); // a second close is harmless
    }

    @Test
    void theTimerRunsUntilClosed() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        write(twoHoursAgo, 2, 3);
        try (LakeCompaction compaction = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock())
                .start(Duration.ofMillis(50))) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (files(twoHoursAgo) > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(files(twoHoursAgo)).isEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("lake-compaction") && t.isAlive());
    }

    /**
     * Leaves the hour starting at {@code hourStart} as a crash between a compaction's rename and its
     * deletes does: {@code batches} files and the merged file that lists them (every row twice).
     */
    static void interruptCompaction(Path lake, long hourStart, Clock clock) throws Exception {
        Path dir = lake.resolve("parquet/" + io.cms.connectstore.lake.LakeLayout.partition(hourStart));
        Path stash = Files.createTempDirectory(lake, "stash");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.copy(p, stash.resolve(p.getFileName()));
            }
        }
        new HourCompactor(lake, org.apache.parquet.hadoop.metadata.CompressionCodecName.SNAPPY, clock, Duration.ofMinutes(5))
                .compact(hourStart);
        try (Stream<Path> s = Files.list(stash)) {
            for (Path p : s.toList()) {
                Files.move(p, dir.resolve(p.getFileName()));
            }
        }
        Files.delete(stash);
    }

    @Test
    void finishingInterruptedCompactionsDeletesTheInputsAMergedFileHoldsAndNothingElse() throws Exception {
        long twoHoursAgo = NOW - NOW % HOUR - 2 * HOUR;
        long current = twoHoursAgo + 2 * HOUR;
        write(twoHoursAgo, 2, 3);
        interruptCompaction(lake, twoHoursAgo, CLOCK);
        write(current, 2, 7);
        assertThat(files(twoHoursAgo)).isEqualTo(3);
        assertThat(rows()).as("the interrupted hour counted twice").isEqualTo(2 * 6 + 14);

        int deleted = new LakeCompaction(lake, CLOCK, Duration.ofMinutes(5), new ReentrantReadWriteLock().writeLock())
                .finishInterrupted();

        assertThat(deleted).isEqualTo(2);
        assertThat(files(twoHoursAgo)).isEqualTo(1);
        assertThat(files(current)).as("files no merged file holds stay").isEqualTo(2);
        assertThat(rows()).isEqualTo(6 + 14);
    }
}
