package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJournalTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(IngestJournal.SyncPolicy.class)
    void appendedRecordsAreReadBackInOrderAfterReopening(IngestJournal.SyncPolicy policy) throws Exception {
        try (IngestJournal journal = IngestJournal.open(dir, policy)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(journal.append(bytes("m" + i)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        }
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            List<IngestJournal.Entry> all = reopened.readFrom(0, 10_000);
            assertThat(all).hasSize(1000);
            assertThat(new String(all.get(0).data(), StandardCharsets.UTF_8)).isEqualTo("m0");
            assertThat(new String(all.get(999).data(), StandardCharsets.UTF_8)).isEqualTo("m999");
        }
    }

    @Test
    void aTornTailFromACrashIsCutAndEverythingBeforeItKept() throws Exception {
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("first")).join();
            journal.append(bytes("second")).join();
        }
        // Simulate a crash in the middle of a write: a header promising more bytes than exist.
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(8).putInt(100).putInt(42).flip());
            ch.write(ByteBuffer.wrap(bytes("par")));
        }
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(reopened.readFrom(0, 10)).extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
                    .containsExactly("first", "second");
            reopened.append(bytes("third")).join();
            assertThat(reopened.readFrom(0, 10)).hasSize(3);
        }
    }

    @Test
    void checkpointSurvivesAReopenAndReplayStartsAfterIt() throws Exception {
        long second;
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("a")).join();
            second = journal.append(bytes("b")).join();
            journal.append(bytes("c")).join();
            journal.checkpoint(second);
        }
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(reopened.checkpoint()).isEqualTo(second);
            assertThat(reopened.readFrom(reopened.checkpoint(), 10))
                    .extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("b", "c");
        }
    }

    @Test
    void aCheckpointPastTheEndOfTheJournalIsResetSoNewRecordsAreConsumed() throws Exception {
        // What a crash between a compaction's truncate and its checkpoint left behind in an older
        // version: an emptied single-file journal and a checkpoint past its end.
        Files.write(dir.resolve("ingest.journal"), new byte[0]);
        Files.writeString(dir.resolve("ingest.checkpoint"), "25");
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(reopened.checkpoint()).isZero();
            reopened.append(bytes("after the restart")).join();
            assertThat(reopened.readFrom(reopened.checkpoint(), 10))
                    .extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("after the restart");
        }
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".segment")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private List<String> segmentNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".segment")).sorted().toList();
        }
    }

    private static List<String> texts(List<IngestJournal.Entry> entries) {
        return entries.stream().map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    /** A record as the journal frames it: [length][crc32c][data]. */
    private static byte[] frame(String text) {
        byte[] data = bytes(text);
        CRC32C crc = new CRC32C();
        crc.update(data);
        return ByteBuffer.allocate(8 + data.length).putInt(data.length).putInt((int) crc.getValue()).put(data).array();
    }

    @Test
    void theJournalRollsToANewSegmentAndDeletesSegmentsOnceTheCheckpointPassesThem() throws Exception {
        try (IngestJournal journal = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 64)) {
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // One at a time, so each batch sees the size of the one before (records of 8 + 32 bytes).
                offsets.add(journal.append(bytes(String.format("record %025d", i))).join());
            }
            // Two records per segment: 80 bytes each, the last one still taking records.
            assertThat(segmentNames()).hasSize(5).first().isEqualTo("ingest-00000000000000000000.segment");
            assertThat(segmentNames().get(1)).isEqualTo("ingest-00000000000000000080.segment");
            assertThat(journal.readFrom(0, 100)).hasSize(10).extracting(IngestJournal.Entry::offset).containsExactlyElementsOf(offsets);
            // Reads cross segment boundaries at any record.
            assertThat(texts(journal.readFrom(offsets.get(3), 3))).containsExactly(
                    String.format("record %025d", 3), String.format("record %025d", 4), String.format("record %025d", 5));

            journal.checkpoint(offsets.get(5));
            // The segments [0, 80) and [80, 160) lie before it; [160, 240) holds the record at 200.
            assertThat(segmentNames()).hasSize(3).first().isEqualTo("ingest-00000000000000000160.segment");
            assertThat(texts(journal.readFrom(journal.checkpoint(), 100))).hasSize(5).first()
                    .isEqualTo(String.format("record %025d", 5));
            assertThatThrownBy(() -> journal.readFrom(0, 10)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("was deleted");

            journal.checkpoint(journal.durableEnd());
            assertThat(segmentNames()).as("only the segment being written is kept").hasSize(1);
            assertThat(journal.readFrom(journal.checkpoint(), 10)).isEmpty();
        }
    }

    @Test
    void offsetsKeepIncreasingAcrossRestartsAfterEverySegmentWasConsumed() throws Exception {
        long end;
        try (IngestJournal journal = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 16)) {
            journal.append(bytes("first, long enough to fill a segment")).join();
            journal.append(bytes("second")).join();
            end = journal.durableEnd();
            journal.checkpoint(end);
        }
        try (IngestJournal reopened = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 16)) {
            assertThat(reopened.checkpoint()).isEqualTo(end);
            assertThat(reopened.durableEnd()).isEqualTo(end);
            long next = reopened.append(bytes("third")).join();
            assertThat(next).as("never restarted at 0").isEqualTo(end);
            assertThat(texts(reopened.readFrom(reopened.checkpoint(), 10))).containsExactly("third");
        }
    }

    @Test
    void onlyTheTornTailOfTheLastSegmentIsCut() throws Exception {
        try (IngestJournal journal = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 20)) {
            journal.append(bytes("one, in the first segment")).join();
            journal.append(bytes("two")).join();
        }
        assertThat(segmentNames()).hasSize(2);
        try (FileChannel ch = FileChannel.open(lastSegment(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // A whole header and a checksum that does not match the bytes after it.
            ch.write(ByteBuffer.allocate(8).putInt(5).putInt(7).flip());
            ch.write(ByteBuffer.wrap(bytes("torn!")));
        }
        try (IngestJournal reopened = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 20)) {
            assertThat(texts(reopened.readFrom(0, 10))).containsExactly("one, in the first segment", "two");
            long end = reopened.durableEnd();
            assertThat(Files.size(lastSegment())).isEqualTo(8 + 3);
            assertThat(reopened.append(bytes("three")).join()).isEqualTo(end);
            assertThat(texts(reopened.readFrom(0, 10))).containsExactly("one, in the first segment", "two", "three");
        }
    }

    @Test
    void aSingleFileJournalOfAnEarlierVersionIsReadFromItsCheckpoint() throws Exception {
        ByteArrayOutputStream legacy = new ByteArrayOutputStream();
        legacy.write(frame("consumed"));
        int checkpoint = legacy.size();
        legacy.write(frame("not consumed yet"));
        legacy.write(frame("neither"));
        Files.write(dir.resolve("ingest.journal"), legacy.toByteArray());
        Files.writeString(dir.resolve("ingest.checkpoint"), Integer.toString(checkpoint));

        try (IngestJournal journal = IngestJournal.open(dir)) {
            assertThat(journal.checkpoint()).isEqualTo(checkpoint);
            assertThat(journal.durableEnd()).isEqualTo(legacy.size());
            assertThat(texts(journal.readFrom(journal.checkpoint(), 10))).containsExactly("not consumed yet", "neither");
            assertThat(journal.append(bytes("new")).join()).isEqualTo(legacy.size());
        }
        assertThat(dir.resolve("ingest.journal")).doesNotExist();
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(texts(reopened.readFrom(0, 10))).containsExactly("consumed", "not consumed yet", "neither", "new");
        }
    }

    @Test
    void recordsLargerThanAReadChunkAreReadWhole() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        java.util.Arrays.fill(big, (byte) 'x');
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("small")).join();
            journal.append(big).join();
            journal.append(bytes("after")).join();
            List<IngestJournal.Entry> all = journal.readFrom(0, 10);
            assertThat(all).hasSize(3);
            assertThat(all.get(1).data()).isEqualTo(big);
            assertThat(texts(List.of(all.get(2)))).containsExactly("after");
        }
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(reopened.readFrom(0, 10)).hasSize(3);
        }
    }

    @Test
    void aCheckpointOutsideTheJournalIsRefused() {
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("a")).join();
            assertThatThrownBy(() -> journal.checkpoint(journal.durableEnd() + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside the journal");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aSegmentSizeThatIsNotPositiveIsRefused(long segmentBytes) {
        assertThatThrownBy(() -> IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, segmentBytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the journal segment size must be positive, got " + segmentBytes);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aLegacyFileNextToTheFirstSegmentIsRefusedAndNothingIsMoved() throws Exception {
        byte[] legacy = frame("legacy");
        byte[] segment = frame("segment");
        Files.write(dir.resolve("ingest.journal"), legacy);
        Files.write(dir.resolve("ingest-00000000000000000000.segment"), segment);

        assertThatThrownBy(() -> IngestJournal.open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ingest.journal").hasMessageContaining("ingest-00000000000000000000.segment");

        assertThat(Files.readAllBytes(dir.resolve("ingest.journal"))).isEqualTo(legacy);
        assertThat(Files.readAllBytes(dir.resolve("ingest-00000000000000000000.segment"))).isEqualTo(segment);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("ingest.journal", "ingest-00000000000000000000.segment");
        }
    }

    /** Appends {@code n} records of 40 framed bytes one at a time to a journal of 64-byte segments: two per segment. */
    private void writeTwoRecordsPerSegment(int n) {
        try (IngestJournal journal = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 64)) {
            for (int i = 0; i < n; i++) {
                journal.append(bytes(String.format("record %025d", i))).join();
            }
        }
    }

    @Test
    void aCheckpointBeforeTheOldestSegmentIsMovedToIt() throws Exception {
        writeTwoRecordsPerSegment(6);
        assertThat(segmentNames()).containsExactly("ingest-00000000000000000000.segment",
                "ingest-00000000000000000080.segment", "ingest-00000000000000000160.segment");
        Files.writeString(dir.resolve("ingest.checkpoint"), "40");
        // The older segments deleted by hand.
        Files.delete(dir.resolve("ingest-00000000000000000000.segment"));
        Files.delete(dir.resolve("ingest-00000000000000000080.segment"));

        try (IngestJournal journal = IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 64)) {
            assertThat(journal.checkpoint()).isEqualTo(160);
            assertThat(Files.readString(dir.resolve("ingest.checkpoint"))).isEqualTo("160");
            assertThat(texts(journal.readFrom(journal.checkpoint(), 10))).containsExactly(
                    String.format("record %025d", 4), String.format("record %025d", 5));
            assertThat(journal.append(bytes("next")).join()).isEqualTo(240);
        }
    }

    @Test
    void aMissingMiddleSegmentIsRefusedAsDamaged() throws Exception {
        writeTwoRecordsPerSegment(6);
        Files.delete(dir.resolve("ingest-00000000000000000080.segment"));

        assertThatThrownBy(() -> IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 64))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ingest-00000000000000000000.segment holds 80 bytes but the next segment starts at 160")
                .hasMessageContaining("is damaged");
        assertThat(segmentNames()).containsExactly("ingest-00000000000000000000.segment", "ingest-00000000000000000160.segment");
    }

    @Test
    void aTruncatedOlderSegmentIsRefusedAsDamaged() throws Exception {
        writeTwoRecordsPerSegment(6);
        try (FileChannel ch = FileChannel.open(dir.resolve("ingest-00000000000000000080.segment"), StandardOpenOption.WRITE)) {
            ch.truncate(50);
        }

        assertThatThrownBy(() -> IngestJournal.open(dir, IngestJournal.SyncPolicy.WRITE, 64))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ingest-00000000000000000080.segment holds 50 bytes but the next segment starts at 160")
                .hasMessageContaining("is damaged");
        assertThat(Files.size(dir.resolve("ingest-00000000000000000080.segment"))).isEqualTo(50);
        assertThat(segmentNames()).hasSize(3);
    }

    @Test
    void refusesAfterClose() {
        IngestJournal journal = IngestJournal.open(dir);
        journal.close();
        assertThat(journal.append(bytes("late"))).isCompletedExceptionally();
    }
}
