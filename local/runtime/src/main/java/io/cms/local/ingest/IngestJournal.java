package io.cms.local.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead journal between the broker and the lake. The broker acknowledges a QoS 1
 * message only after {@link #append} completes. When that is depends on the {@link SyncPolicy}:
 * with {@link SyncPolicy#WRITE} (the default) once the record is written to the file (the
 * operating system holds it: a {@code kill -9} of CMS Local loses nothing acknowledged) and the
 * file is synced to the device at least every {@link #SYNC_INTERVAL} (a power loss loses at most
 * that much); with {@link SyncPolicy#FSYNC} only after the record is synced to the device.
 * Appends are group-committed: one writer thread writes every waiting record at once (and syncs
 * once), which is what makes tens of thousands of messages per second possible.
 *
 * <p>Records are {@code [length:int][crc32c:int][data]}; a torn tail after a crash is detected by
 * its length or checksum and cut off on open. The consumer (the lake) records how far it has
 * committed with {@link #checkpoint}; on restart {@link #readFrom} replays everything after it.
 * Delivery to the lake is therefore at least once: a crash between a lake commit and its
 * checkpoint replays that batch.
 */
public final class IngestJournal implements AutoCloseable {

    /** When an append counts as done. */
    public enum SyncPolicy {
        /** Written to the file: survives a crash of the process; synced to the device every {@link #SYNC_INTERVAL}. */
        WRITE,
        /** Synced to the device: survives a power loss too; each client then waits for a sync per message. */
        FSYNC
    }

    /** Longest time a written record waits for its sync to the device under {@link SyncPolicy#WRITE}. */
    public static final long SYNC_INTERVAL_MS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(IngestJournal.class);
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 8 * 1024 * 1024;

    /**
     * One journal record.
     *
     * @param offset where the record starts (its position in the journal)
     * @param nextOffset where the next record starts
     * @param data the record's bytes
     */
    public record Entry(long offset, long nextOffset, byte[] data) {
    }

    private record Pending(byte[] data, CompletableFuture<Long> done) {
    }

    private final Path file;
    private final Path checkpointFile;
    private final FileChannel channel;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private volatile long durableEnd;
    private final SyncPolicy policy;
    private long lastSync = System.nanoTime();
    private boolean unsynced;

    private IngestJournal(Path dir, SyncPolicy policy) throws IOException {
        this.policy = policy;
        Files.createDirectories(dir);
        this.file = dir.resolve("ingest.journal");
        this.checkpointFile = dir.resolve("ingest.checkpoint");
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.durableEnd = recover();
        channel.position(durableEnd);
        if (checkpoint() > durableEnd) {
            // Left by a crash in the middle of a compaction of an older version: the records it
            // points past are gone, and what the journal holds now came after them.
            LOG.warn("ingest journal: checkpoint {} is past the journal's end {}; consuming from the start", checkpoint(), durableEnd);
            checkpoint(0);
        }
        this.writer = new Thread(this::writeLoop, "ingest-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens the journal in {@code dir} with {@link SyncPolicy#WRITE}, cutting off a torn tail left by a crash. */
    public static IngestJournal open(Path dir) {
        return open(dir, SyncPolicy.WRITE);
    }

    /** Opens the journal in {@code dir}, cutting off a torn tail left by a crash. */
    public static IngestJournal open(Path dir, SyncPolicy policy) {
        try {
            return new IngestJournal(dir, policy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ingest journal in " + dir, e);
        }
    }

    /** Appends a record; the future completes with its offset once it is written (or synced, by the policy). */
    public CompletableFuture<Long> append(byte[] data) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the ingest journal is closed"));
        }
        if (data.length > MAX_RECORD) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("record of " + data.length + " bytes is too large"));
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        queue.add(new Pending(data, done));
        return done;
    }

    /** The end of the part of the journal that appends have completed for (what readers see). */
    public long durableEnd() {
        return durableEnd;
    }

    /** The consumer's committed position (0 when nothing was committed yet). */
    public long checkpoint() {
        try {
            return Files.exists(checkpointFile) ? Long.parseLong(Files.readString(checkpointFile).trim()) : 0L;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable journal checkpoint " + checkpointFile + ": " + e.getMessage(), e);
        }
    }

    /** Records that everything before {@code offset} is committed downstream (atomically, durably). */
    public void checkpoint(long offset) {
        try {
            Path tmp = checkpointFile.resolveSibling("ingest.checkpoint.tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap(Long.toString(offset).getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            Files.move(tmp, checkpointFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal checkpoint", e);
        }
    }

    /** Reads up to {@code max} durable records starting at {@code offset}. */
    public List<Entry> readFrom(long offset, int max) {
        List<Entry> out = new ArrayList<>();
        long position = offset;
        long end = durableEnd;
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (position < end && out.size() < max) {
                header.clear();
                channel.read(header, position);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                ByteBuffer data = ByteBuffer.allocate(length);
                channel.read(data, position + HEADER);
                byte[] bytes = data.array();
                if (checksum(bytes) != crc) {
                    throw new IllegalStateException("journal record at " + position + " is corrupt");
                }
                long next = position + HEADER + length;
                out.add(new Entry(position, next, bytes));
                position = next;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ingest journal", e);
        }
        return out;
    }

    /**
     * Drops the journal's committed prefix when everything written has been checkpointed, so the
     * file does not grow forever. Safe to call at any time.
     */
    public synchronized void compactIfDrained() {
        long committed = checkpoint();
        if (committed == 0 || committed != durableEnd || !queue.isEmpty()) {
            return;
        }
        // Nothing durable is unconsumed: restart the journal at offset 0.
        synchronized (channel) {
            try {
                if (committed != durableEnd) {
                    return;
                }
                // Checkpoint first: a crash between the two then replays the committed records
                // (at least once) instead of leaving a checkpoint past the end of an empty journal.
                checkpoint(0);
                channel.truncate(0);
                channel.position(0);
                channel.force(true);
                durableEnd = 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compact the ingest journal", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(new IllegalStateException("the ingest journal closed"));
        }
        try {
            if (unsynced) {
                channel.force(false);
            }
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the journal failed: {}", e.getMessage());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            try {
                Pending first = queue.poll(SYNC_INTERVAL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    syncIfDue();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 10_000);
                writeBatch(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            writeBatch(batch);
        }
    }

    private void writeBatch(List<Pending> batch) {
        long[] offsets = new long[batch.size()];
        try {
            synchronized (channel) {
                long position = durableEnd;
                int size = 0;
                for (Pending p : batch) {
                    size += HEADER + p.data().length;
                }
                ByteBuffer buffer = ByteBuffer.allocate(size);
                for (int i = 0; i < batch.size(); i++) {
                    byte[] data = batch.get(i).data();
                    offsets[i] = position;
                    buffer.putInt(data.length).putInt(checksum(data)).put(data);
                    position += HEADER + data.length;
                }
                buffer.flip();
                long at = durableEnd;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                if (policy == SyncPolicy.FSYNC) {
                    channel.force(false);
                } else {
                    unsynced = true;
                    syncIfDue();
                }
                durableEnd = position;
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(offsets[i]);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("ingest journal write failed: {}", e.getMessage());
            for (Pending p : batch) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /** Under {@link SyncPolicy#WRITE}: syncs written records once they have waited {@link #SYNC_INTERVAL_MS}. */
    private void syncIfDue() {
        if (!unsynced || System.nanoTime() - lastSync < TimeUnit.MILLISECONDS.toNanos(SYNC_INTERVAL_MS)) {
            return;
        }
        try {
            synchronized (channel) {
                channel.force(false);
            }
            unsynced = false;
            lastSync = System.nanoTime();
        } catch (IOException e) {
            LOG.error("ingest journal sync failed: {}", e.getMessage());
        }
    }

    private long recover() throws IOException {
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (position + HEADER <= size) {
            header.clear();
            channel.read(header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 0 || length > MAX_RECORD || position + HEADER + length > size) {
                break;
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            channel.read(data, position + HEADER);
            if (checksum(data.array()) != crc) {
                break;
            }
            position += HEADER + length;
        }
        if (position < size) {
            LOG.warn("ingest journal: cut a torn tail of {} bytes left by a crash", size - position);
            channel.truncate(position);
            channel.force(true);
        }
        return position;
    }

    private static int checksum(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }
}
