package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        try (FileChannel ch = FileChannel.open(dir.resolve("ingest.journal"), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
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
    void compactionRestartsAFullyConsumedJournal() throws Exception {
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("a")).join();
            journal.checkpoint(journal.durableEnd());
            journal.compactIfDrained();
            assertThat(journal.durableEnd()).isZero();
            assertThat(Files.size(dir.resolve("ingest.journal"))).isZero();
            journal.append(bytes("b")).join();
            assertThat(journal.readFrom(journal.checkpoint(), 10)).hasSize(1);
        }
    }

    @Test
    void aCheckpointPastTheEndOfTheJournalIsResetSoNewRecordsAreConsumed() throws Exception {
        // What a crash between a compaction's truncate and its checkpoint used to leave behind.
        try (IngestJournal journal = IngestJournal.open(dir)) {
            journal.append(bytes("consumed long ago")).join();
            journal.checkpoint(journal.durableEnd());
        }
        try (FileChannel c = FileChannel.open(dir.resolve("ingest.journal"), StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
        try (IngestJournal reopened = IngestJournal.open(dir)) {
            assertThat(reopened.checkpoint()).isZero();
            reopened.append(bytes("after the restart")).join();
            assertThat(reopened.readFrom(reopened.checkpoint(), 10))
                    .extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("after the restart");
        }
    }

    @Test
    void refusesAfterClose() {
        IngestJournal journal = IngestJournal.open(dir);
        journal.close();
        assertThat(journal.append(bytes("late"))).isCompletedExceptionally();
    }
}
