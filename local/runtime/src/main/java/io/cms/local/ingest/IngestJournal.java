package io.cms.local.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead journal between the broker and the lake. The broker acknowledges a QoS 1
 * message only after {@link #append} completes. When that is depends on the {@link SyncPolicy}:
 * with {@link SyncPolicy#WRITE} (the default) once the record is written to the file (the
 * operating system holds it: a {@code kill -9} of CMS Local loses nothing acknowledged) and the
 * file is synced to the device at least every {@link #SYNC_INTERVAL_MS} (a power loss loses at most
 * that much); with {@link SyncPolicy#FSYNC} only after the record is synced to the device.
 * Appends are group-committed: one writer thread writes every waiting record at once (and syncs
 * once), which is what makes tens of thousands of messages per second possible.
 *
 * <p>Records are {@code [length:int][crc32c:int][data]}. Offsets are global byte positions that
 * only ever grow, across restarts too. The journal is a sequence of segment files
 * ({@code ingest-<offset of its first record>.segment}); the writer rolls to a new segment once the
 * current one holds {@link #DEFAULT_SEGMENT_BYTES} (the finished one is synced first), and a
 * {@link #checkpoint(long) checkpoint} deletes the segments that lie entirely before it, so the
 * journal stays small under continuous traffic. A torn tail of the last segment after a crash is
 * detected by its length or checksum and cut off on open. The consumer records how far it has
 * committed with {@link #checkpoint}; on restart {@link #readFrom} replays everything after it.
 * Delivery downstream is therefore at least once: a crash between a commit and its checkpoint
 * replays that part.
 *
 * <p>The single file {@code ingest.journal} of earlier versions is taken over as the first segment
 * (it starts at offset 0, as its checkpoint does).
 */
public final class IngestJournal implements AutoCloseable {

    /** When an append counts as done. */
    public enum SyncPolicy {
        /** Written to the file: survives a crash of the process; synced to the device every {@link #SYNC_INTERVAL_MS}. */
        WRITE,
        /** Synced to the device: survives a power loss too; each client then waits for a sync per message. */
        FSYNC
    }

    /** Longest time a written record waits for its sync to the device under {@link SyncPolicy#WRITE}. */
    public static final long SYNC_INTERVAL_MS = 10;
    /** A segment takes records until it holds this many bytes; then the journal rolls to a new one. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(IngestJournal.class);
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 8 * 1024 * 1024;
    /** Bytes read at once by {@link #readFrom} and the recovery scan. */
    private static final int READ_CHUNK = 1024 * 1024;
    private static final String LEGACY_FILE = "ingest.journal";
    private static final Pattern SEGMENT = Pattern.compile("ingest-(\\d{20})\\.segment");

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

    /** A segment file; {@code base} is the offset of its first byte. */
    private record Segment(long base, Path file, FileChannel channel) {
    }

    private final Path dir;
    private final Path checkpointFile;
    private final long segmentBytes;
    /** Every segment by its base offset; the last one is {@link #active}. */
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /** Held by the writer while it writes, syncs or rolls. */
    private final Object writeLock = new Object();
    /** Held while segments are read or deleted, so no read meets a closed channel. */
    private final Object segmentsLock = new Object();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final SyncPolicy policy;
    private volatile boolean closed;
    private volatile long durableEnd;
    private volatile long checkpoint;
    private volatile Segment active;
    private long lastSync = System.nanoTime();
    private boolean unsynced;

    private IngestJournal(Path dir, SyncPolicy policy, long segmentBytes) throws IOException {
        this.dir = dir;
        this.policy = policy;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        this.checkpointFile = dir.resolve("ingest.checkpoint");
        adoptLegacyFile();
        try {
            openSegments();
        } catch (IOException | RuntimeException e) {
            closeChannels();
            throw e;
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
        return open(dir, policy, DEFAULT_SEGMENT_BYTES);
    }

    /** Opens the journal in {@code dir} with segments of {@code segmentBytes} (tests use small ones). */
    static IngestJournal open(Path dir, SyncPolicy policy, long segmentBytes) {
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("the journal segment size must be positive, got " + segmentBytes);
        }
        try {
            return new IngestJournal(dir, policy, segmentBytes);
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

    /** The consumer's committed position (where the oldest kept segment starts when nothing was committed yet). */
    public long checkpoint() {
        return checkpoint;
    }

    /**
     * Records that everything before {@code offset} is committed downstream (atomically, durably),
     * then deletes the segments that lie entirely before it.
     *
     * @throws IllegalArgumentException when {@code offset} is outside the journal
     */
    public void checkpoint(long offset) {
        long first = segments.firstKey();
        if (offset < first || offset > durableEnd) {
            throw new IllegalArgumentException("checkpoint " + offset + " is outside the journal [" + first + ", " + durableEnd + "]");
        }
        writeCheckpointFile(offset);
        checkpoint = offset;
        deleteSegmentsBefore(offset);
    }

    /**
     * Reads up to {@code max} durable records starting at {@code offset}, in chunks of up to
     * {@value #READ_CHUNK} bytes.
     *
     * @throws IllegalArgumentException when {@code offset} is in a segment already deleted
     * @throws DamagedRecordException when the record at {@code offset} is corrupt (or {@code offset} is not where a
     *     record starts); a corrupt record after it ends the list instead
     */
    public List<Entry> readFrom(long offset, int max) {
        List<Entry> out = new ArrayList<>();
        long end = durableEnd;
        long position = offset;
        synchronized (segmentsLock) {
            if (position < end && position < segments.firstKey()) {
                throw new IllegalArgumentException("journal offset " + position + " was deleted; the journal starts at "
                        + segments.firstKey());
            }
            try {
                while (position < end && out.size() < max) {
                    Segment segment = segments.floorEntry(position).getValue();
                    Long nextBase = segments.higherKey(segment.base());
                    long segmentEnd = nextBase == null ? end : Math.min(nextBase, end);
                    if (position >= segmentEnd) {
                        break;
                    }
                    position = readChunk(segment, position, segmentEnd, out, max);
                }
            } catch (DamagedRecordException corrupt) {
                // The records before a damaged one are returned; the next read starts at it and fails there.
                if (out.isEmpty()) {
                    throw corrupt;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ingest journal", e);
            }
        }
        return out;
    }

    /** Reads one chunk of {@code segment} at {@code position} into {@code out}; returns the position after it. */
    private static long readChunk(Segment segment, long position, long segmentEnd, List<Entry> out, int max) throws IOException {
        ByteBuffer chunk = read(segment, position, (int) Math.min(READ_CHUNK, segmentEnd - position));
        int at = 0;
        while (out.size() < max && chunk.limit() - at >= HEADER) {
            int length = chunk.getInt(at);
            int crc = chunk.getInt(at + 4);
            if (length < 0 || length > MAX_RECORD || position + HEADER + length > segmentEnd) {
                throw corrupt(segment, position, "length " + length);
            }
            byte[] data;
            if (chunk.limit() - at - HEADER >= length) {
                data = Arrays.copyOfRange(chunk.array(), at + HEADER, at + HEADER + length);
            } else if (at == 0) {
                // A record larger than a chunk: read it by itself.
                data = read(segment, position + HEADER, length).array();
            } else {
                break;
            }
            if (checksum(data) != crc) {
                throw corrupt(segment, position, "checksum");
            }
            long next = position + HEADER + length;
            out.add(new Entry(position, next, data));
            position = next;
            at += HEADER + length;
        }
        if (at == 0 && out.size() < max) {
            throw corrupt(segment, position, "cut short");
        }
        return position;
    }

    private static DamagedRecordException corrupt(Segment segment, long position, String why) {
        return new DamagedRecordException("journal record at " + position + " in " + segment.file().getFileName() + " is corrupt ("
                + why + ")");
    }

    /**
     * A record that cannot be read as written (a wrong length or checksum, a segment cut short): it
     * is never skipped, the operator recovers by moving the checkpoint past its segment.
     */
    public static final class DamagedRecordException extends IllegalStateException {
        DamagedRecordException(String message) {
            super(message);
        }
    }

    /** Reads exactly {@code length} bytes of {@code segment} at the global {@code position}. */
    private static ByteBuffer read(Segment segment, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        long at = position - segment.base();
        while (buffer.hasRemaining()) {
            int n = segment.channel().read(buffer, at + buffer.position());
            if (n < 0) {
                throw new DamagedRecordException("journal segment " + segment.file().getFileName() + " ends before offset "
                        + (position + buffer.position()));
            }
        }
        buffer.flip();
        return buffer;
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
        synchronized (writeLock) {
            try {
                if (unsynced) {
                    active.channel().force(false);
                }
            } catch (IOException e) {
                LOG.warn("syncing the journal failed: {}", e.getMessage());
            }
        }
        synchronized (segmentsLock) {
            closeChannels();
        }
    }

    private void closeChannels() {
        for (Segment segment : segments.values()) {
            try {
                segment.channel().close();
            } catch (IOException e) {
                LOG.warn("closing journal segment {} failed: {}", segment.file().getFileName(), e.getMessage());
            }
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            try {
                Pending first = queue.poll(SYNC_INTERVAL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    synchronized (writeLock) {
                        syncIfDue();
                    }
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
            synchronized (writeLock) {
                if (durableEnd - active.base() >= segmentBytes) {
                    roll();
                }
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
                long at = durableEnd - active.base();
                while (buffer.hasRemaining()) {
                    at += active.channel().write(buffer, at);
                }
                if (policy == SyncPolicy.FSYNC) {
                    active.channel().force(false);
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

    /**
     * Finishes the active segment (cut to what was written, synced) and starts a new one at the
     * journal's end. Called with the write lock held.
     */
    private void roll() throws IOException {
        Segment finished = active;
        finished.channel().truncate(durableEnd - finished.base());
        finished.channel().force(true);
        unsynced = false;
        Segment next = createSegment(durableEnd);
        segments.put(next.base(), next);
        active = next;
        LOG.debug("ingest journal rolled to segment {}", next.file().getFileName());
    }

    /** Under {@link SyncPolicy#WRITE}: syncs written records once they have waited {@link #SYNC_INTERVAL_MS}. Write lock held. */
    private void syncIfDue() {
        if (!unsynced || System.nanoTime() - lastSync < TimeUnit.MILLISECONDS.toNanos(SYNC_INTERVAL_MS)) {
            return;
        }
        try {
            active.channel().force(false);
            unsynced = false;
            lastSync = System.nanoTime();
        } catch (IOException e) {
            LOG.error("ingest journal sync failed: {}", e.getMessage());
        }
    }

    /** Takes over the single journal file of earlier versions as the segment starting at 0. */
    private void adoptLegacyFile() throws IOException {
        Path legacy = dir.resolve(LEGACY_FILE);
        if (!Files.exists(legacy)) {
            return;
        }
        Path first = dir.resolve(segmentName(0));
        if (Files.exists(first)) {
            throw new IllegalStateException("the ingest journal in " + dir + " holds both " + LEGACY_FILE + " and " + first.getFileName()
                    + "; move one of them away");
        }
        Files.move(legacy, first, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        LOG.info("ingest journal: took over {} of an earlier version as segment {}", LEGACY_FILE, first.getFileName());
    }

    /** Opens the segments, cuts the last one's torn tail, settles the checkpoint and drops segments before it. */
    private void openSegments() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches()) {
                    bases.add(Long.parseLong(m.group(1)));
                }
            }
        }
        bases.sort(null);
        long stored = readCheckpointFile();
        if (bases.isEmpty()) {
            // A new journal: it starts where an earlier one's checkpoint (if any) points.
            long base = Math.max(stored, 0);
            Segment segment = createSegment(base);
            segments.put(base, segment);
        } else {
            for (long base : bases) {
                Path file = dir.resolve(segmentName(base));
                segments.put(base, new Segment(base, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)));
            }
        }
        active = segments.lastEntry().getValue();
        durableEnd = active.base() + recover(active);
        long first = segments.firstKey();
        if (stored > durableEnd) {
            // Left by a crash in the middle of a compaction of an older version (or records lost
            // with a power loss): the records it points past are gone, and what the journal holds
            // now may have come after them.
            LOG.warn("ingest journal: checkpoint {} is past the journal's end {}; consuming from {}", stored, durableEnd, first);
            stored = first;
            writeCheckpointFile(stored);
        } else if (stored < first) {
            LOG.warn("ingest journal: checkpoint {} is before the oldest segment; consuming from {}", stored, first);
            stored = first;
            writeCheckpointFile(stored);
        }
        checkpoint = stored;
        deleteSegmentsBefore(stored);
        for (Map.Entry<Long, Segment> e : segments.entrySet()) {
            Long nextBase = segments.higherKey(e.getKey());
            if (nextBase != null && e.getKey() + e.getValue().channel().size() != nextBase) {
                throw new IllegalStateException("ingest journal segment " + e.getValue().file().getFileName() + " holds "
                        + e.getValue().channel().size() + " bytes but the next segment starts at " + nextBase
                        + "; the journal in " + dir + " is damaged");
            }
        }
    }

    /** Scans {@code segment}, cuts a torn tail left by a crash and returns the length of its valid part. */
    private long recover(Segment segment) throws IOException {
        long size = segment.channel().size();
        long end = segment.base() + size;
        long position = segment.base();
        List<Entry> chunk = new ArrayList<>();
        try {
            while (position < end) {
                chunk.clear();
                position = readChunk(segment, position, end, chunk, Integer.MAX_VALUE);
            }
        } catch (IllegalStateException torn) {
            // The first record that is cut short or fails its checksum starts the torn tail.
            if (!chunk.isEmpty()) {
                position = chunk.get(chunk.size() - 1).nextOffset();
            }
        }
        long valid = position - segment.base();
        if (valid < size) {
            LOG.warn("ingest journal: cut a torn tail of {} bytes left by a crash", size - valid);
            segment.channel().truncate(valid);
            segment.channel().force(true);
        }
        return valid;
    }

    /** Deletes every segment but the active one whose records all lie before {@code offset}. */
    private void deleteSegmentsBefore(long offset) {
        synchronized (segmentsLock) {
            boolean deleted = false;
            for (Map.Entry<Long, Segment> e : segments.entrySet()) {
                Long nextBase = segments.higherKey(e.getKey());
                if (nextBase == null || nextBase > offset) {
                    break;
                }
                Segment segment = e.getValue();
                segments.remove(e.getKey());
                try {
                    segment.channel().close();
                    Files.deleteIfExists(segment.file());
                    deleted = true;
                } catch (IOException ex) {
                    LOG.warn("cannot delete consumed journal segment {}: {}", segment.file().getFileName(), ex.getMessage());
                }
            }
            if (deleted) {
                syncDirectory(dir);
            }
        }
    }

    private Segment createSegment(long base) throws IOException {
        Path file = dir.resolve(segmentName(base));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        syncDirectory(dir);
        return new Segment(base, file, channel);
    }

    private static String segmentName(long base) {
        return String.format("ingest-%020d.segment", base);
    }

    private long readCheckpointFile() {
        try {
            return Files.exists(checkpointFile) ? Long.parseLong(Files.readString(checkpointFile).trim()) : 0L;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable journal checkpoint " + checkpointFile + ": " + e.getMessage(), e);
        }
    }

    private void writeCheckpointFile(long offset) {
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

    /** Makes created, renamed and deleted files durable (where the platform can sync a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.getMessage());
        }
    }

    private static int checksum(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }
}
