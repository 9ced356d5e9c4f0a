package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.connectstore.testutils.InMemoryS3;
import io.cms.connectstore.testutils.LakeFiles;
import io.cms.connectstore.testutils.LakeUploads;
import io.cms.connectstore.testutils.Payloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3HourCompactionTest {

    static final long HOUR = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();
    static final String PARTITION = "parquet/year=2026/month=11/day=22/hour=7/";
    static final String BUCKET = "telemetry";
    static final String VIN = Payloads.vin(5);

    @TempDir
    Path dir;

    private final InMemoryS3 s3 = new InMemoryS3(BUCKET, 2);
    private final Clock later = Clock.fixed(Instant.ofEpochMilli(HOUR + 2 * LakeLayout.HOUR_MS), ZoneOffset.UTC);

    private S3HourCompaction compaction(Clock clock, long maxBytes) {
        return new S3HourCompaction(s3, BUCKET, dir.resolve("scratch"), clock, Duration.ofMinutes(15), maxBytes);
    }

    private void upload(String lake, int batches, int rowsEach) throws Exception {
        LakeUploads.upload(s3, dir.resolve(lake), HOUR, VIN, batches, rowsEach);
    }

    /** Every row of the hour's Parquet objects (not those of deeper levels), as text, sorted. */
    private List<String> rows() throws Exception {
        List<String> out = new ArrayList<>();
        for (String key : s3.keys(PARTITION)) {
            if (key.endsWith(".parquet") && !key.substring(PARTITION.length()).contains("/")) {
                Path copy = dir.resolve("read").resolve(key);
                s3.copyTo(key, copy);
                for (GenericRecord r : LakeFiles.parquet(copy)) {
                    out.add(r.toString());
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    @Test
    void mergesAClosedHoursObjectsIntoOneAndDeletesTheInputs() throws Exception {
        upload("a", 3, 20);
        upload("b", 2, 10);
        s3.put(PARTITION + "README.txt", Files.writeString(dir.resolve("readme"), "not parquet"));
        s3.put(PARTITION + "archive/old.parquet", Files.writeString(dir.resolve("old"), "deeper level"));
        List<String> before = rows();

        S3HourCompaction.Result result = compaction(later, 1L << 30).compact(HOUR);

        assertThat(result.inputs()).isEqualTo(5);
        assertThat(result.rows()).isEqualTo(80);
        assertThat(result.deleted()).isEqualTo(5);
        assertThat(result.mergedKey()).startsWith(PARTITION).endsWith(".parquet");
        assertThat(s3.keys(PARTITION)).containsExactlyInAnyOrder(result.mergedKey(), PARTITION + "README.txt",
                PARTITION + "archive/old.parquet");
        assertThat(rows()).isEqualTo(before).hasSize(80);
        assertThat(dir.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void aRunInterruptedBetweenTheUploadAndTheDeletesIsFinishedWithoutCountingARowTwice() throws Exception {
        upload("a", 3, 10);
        List<String> before = rows();
        s3.failDeletes.set(1);

        assertThatThrownBy(() -> compaction(later, 1L << 30).compact(HOUR)).isInstanceOf(S3Exception.class);
        assertThat(s3.keys(PARTITION)).as("the merged object next to its inputs").hasSize(4);

        S3HourCompaction.Result again = compaction(later, 1L << 30).compact(HOUR);
        assertThat(again.mergedKey()).as("nothing left to merge").isNull();
        assertThat(again.deleted()).isEqualTo(3);
        assertThat(s3.keys(PARTITION)).hasSize(1);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void copiesARunCutOffInTheScratchDirectoryLeftAreNotMergedAgain() throws Exception {
        upload("a", 2, 6);
        List<String> before = rows();
        // A run killed by the Lambda timeout after its downloads: /tmp keeps the copies.
        String stale = s3.keys(PARTITION).get(0);
        s3.copyTo(stale, dir.resolve("scratch").resolve(stale.replace(".parquet", "-stale.parquet")));

        compaction(later, 1L << 30).compact(HOUR);

        assertThat(rows()).isEqualTo(before).hasSize(12);
    }

    @Test
    void objectsTheBucketRefusesToDeleteFailTheRunAndTheNextRunDeletesThem() throws Exception {
        upload("a", 2, 4);
        List<String> before = rows();
        String refused = s3.keys(PARTITION).get(0);
        s3.refuseToDelete.add(refused);

        assertThatThrownBy(() -> compaction(later, 1L << 30).compact(HOUR)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 merged objects could not be deleted").hasMessageContaining(refused)
                .hasMessageContaining("AccessDenied");

        s3.refuseToDelete.clear();
        S3HourCompaction.Result again = compaction(later, 1L << 30).compact(HOUR);
        assertThat(again.deleted()).isEqualTo(1);
        assertThat(s3.keys(PARTITION)).hasSize(1);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void anHourWhoseCopiesWouldNotFitTheFreeScratchSpaceIsLeftAlone() throws Exception {
        upload("a", 2, 4);
        long bytes = s3.keys(PARTITION).size();
        S3HourCompaction tight = new S3HourCompaction(s3, BUCKET, dir.resolve("scratch"), later, Duration.ofMinutes(15), 1L << 30,
                () -> 100);

        S3HourCompaction.Result result = tight.compact(HOUR);

        assertThat(result.skipped()).startsWith("needs ").endsWith("100 free");
        assertThat(s3.keys(PARTITION)).hasSize((int) bytes);
    }

    @Test
    void lateObjectsOfACompactedHourAreMergedWithItOnTheNextRun() throws Exception {
        upload("a", 2, 5);
        compaction(later, 1L << 30).compact(HOUR);
        upload("late", 1, 7);

        S3HourCompaction.Result result = compaction(later, 1L << 30).compact(HOUR);

        assertThat(result.inputs()).isEqualTo(2);
        assertThat(s3.keys(PARTITION)).containsExactly(result.mergedKey());
        assertThat(rows()).hasSize(17);
    }

    @Test
    void leavesAloneAnHourThatIsOpenEmptyWithOneObjectOrTooLarge() throws Exception {
        Clock duringGrace = Clock.fixed(Instant.ofEpochMilli(HOUR + LakeLayout.HOUR_MS + 60_000), ZoneOffset.UTC);
        assertThat(compaction(duringGrace, 1L << 30).closed(HOUR)).isFalse();
        assertThatThrownBy(() -> compaction(duringGrace, 1L << 30).compact(HOUR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not closed");
        assertThatThrownBy(() -> compaction(later, 1L << 30).compact(HOUR + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start of an hour");

        assertThat(compaction(later, 1L << 30).compact(HOUR).skipped()).isEqualTo("no objects");
        upload("a", 1, 5);
        assertThat(compaction(later, 1L << 30).compact(HOUR).skipped()).isEqualTo("one object");
        upload("b", 1, 5);
        S3HourCompaction.Result tooLarge = compaction(later, 100).compact(HOUR);
        assertThat(tooLarge.skipped()).isEqualTo("larger than 100 bytes");
        assertThat(s3.keys(PARTITION)).hasSize(2);
    }
}
