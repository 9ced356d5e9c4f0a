package io.cms.connectstore.lake;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.lambda.common.Json;
import io.cms.vss.LakeSchema;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes telemetry into the lake ({@link LakeLayout}) in batches: every accepted message becomes a
 * raw NDJSON line and a Parquet row in the hour partition of its timestamp, every refused message a
 * quarantine line with its reason. Built for a long-running ingest loop: {@link #accept} only
 * buffers (streams into open temporary files); {@link #flush()} commits the batch, and happens by
 * itself when the batch reaches its size or age limit or holds too many hours.
 *
 * <p><b>Durability.</b> A batch becomes visible only at {@link #flush()}: each file is written under
 * a hidden temporary name, synced to disk, then atomically renamed, and the directories are synced.
 * After {@code flush()} returns, the batch survives a crash or power loss. Messages accepted since
 * the last flush live only in temporary files and are lost on a crash: whoever needs them kept must
 * hold them (the CMS Local journal) until the {@link CommittedBatch} of the flush that covers them
 * (returned by {@code flush()} and passed to the commit listener). A crash between the renames of
 * one batch can leave part of it visible; replaying that batch then writes its messages again under a
 * new batch name (at-least-once). {@link #deleteOrphans} removes temporary files a crash left.
 *
 * <p>Not thread-safe by design of the loop it serves; the methods are synchronized so a timer thread
 * may call {@link #flushIfDue()}.
 */
public final class LakeWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);
    private static final DateTimeFormatter BATCH_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] TOPIC_FIELD = "{\"topic\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECEIVED_AT_FIELD = "\",\"receivedAt\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_END = {'}', '\n'};
    /** Rows handed to a worker at a time: large enough to amortize the hand-off, small enough to stream. */
    private static final int CHUNK = 512;
    /** Chunks queued per worker before the caller waits (bounds memory to a few MB). */
    private static final int MAX_CHUNKS_IN_FLIGHT = 8;

    private final LakeWriterConfig config;
    private final TelemetryValidator validator;
    private final Schema schema;
    private final int firstSignal;
    private final String writerId;
    /** Parquet encoding and raw gzip, each on its own thread when pipelined; null when inline. */
    private final OrderedStage parquetStage;
    private final OrderedStage rawStage;
    private ParquetChunk parquetChunk;
    private RawChunk rawChunk;
    private final Map<Long, HourFiles> hours = new HashMap<>();
    private final Map<Long, RawFile> quarantine = new HashMap<>();
    /** The last topic and its JSON string content (consecutive messages mostly share it). */
    private String lastTopic;
    private byte[] lastTopicJson;
    private long sequence;
    private String batchId;
    private long batchStartedAt;
    private long rows;
    private long quarantined;
    private boolean closed;

    /** A writer for {@code config}; nothing is written until the first message. */
    public LakeWriter(LakeWriterConfig config) {
        this.config = config;
        this.validator = config.validator();
        LakeSchema lake = new LakeSchema(validator.catalog());
        this.schema = new Schema.Parser().parse(lake.avroSchemaJson());
        this.firstSignal = lake.firstSignalColumn();
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        this.writerId = HexFormat.of().formatHex(id);
        if (config.pipelined()) {
            this.parquetStage = new OrderedStage("lake-parquet-" + writerId, MAX_CHUNKS_IN_FLIGHT);
            this.rawStage = new OrderedStage("lake-raw-" + writerId, MAX_CHUNKS_IN_FLIGHT);
            this.parquetChunk = new ParquetChunk();
            this.rawChunk = new RawChunk();
        } else {
            this.parquetStage = null;
            this.rawStage = null;
        }
    }

    /**
     * Validates and buffers one message; commits the batch first when it is due. Never throws for a
     * bad message (it goes to quarantine); throws {@link UncheckedIOException} only when the disk
     * fails, after which the open batch is discarded (see {@link #abort()}).
     *
     * @param topic MQTT topic
     * @param payload message bytes; the writer may keep a reference until the batch is committed,
     *     so the caller must not change them afterwards
     * @param receivedAt receive time, epoch ms
     * @return the batch committed by this call because a limit was reached, or null
     */
    public CommittedBatch accept(String topic, byte[] payload, long receivedAt) {
        return accept(topic, payload, receivedAt, null);
    }

    /**
     * {@link #accept(String, byte[], long)} that also hands the validated message to
     * {@code onAccepted} (on the caller's thread, once it is buffered), so a consumer that needs the
     * typed values, such as a latest-state projection, does not parse the payload again. Refused
     * messages are not handed over. An exception {@code onAccepted} throws reaches the caller; the
     * message stays buffered.
     *
     * @param onAccepted receives the {@link Telemetry} of an accepted message; may be null
     */
    public synchronized CommittedBatch accept(String topic, byte[] payload, long receivedAt, Consumer<Telemetry> onAccepted) {
        ensureOpen();
        CommittedBatch committed = null;
        if (batchId != null && config.clock().millis() - batchStartedAt >= config.maxBatchAge().toMillis()) {
            committed = flush();
        }
        if (batchId == null) {
            startBatch();
        }
        Telemetry valid = null;
        try {
            Verdict verdict = validator.validate(topic, payload, receivedAt);
            if (verdict instanceof Verdict.Accepted accepted) {
                valid = accepted.telemetry();
                write(valid, topicJson(topic), payload);
                rows++;
            } else {
                writeQuarantine(topic, payload, receivedAt, (Verdict.Rejected) verdict);
                quarantined++;
            }
        } catch (IOException | RuntimeException e) {
            abort();
            throw e instanceof IOException io ? new UncheckedIOException("lake write failed; the batch was discarded", io)
                    : (RuntimeException) e;
        }
        if (valid != null && onAccepted != null) {
            onAccepted.accept(valid);
        }
        if (rows + quarantined >= config.maxBatchRecords() || hours.size() + quarantine.size() > config.maxOpenPartitions()) {
            CommittedBatch now = flush();
            return committed == null ? now : merge(committed, now);
        }
        return committed;
    }

    /** Commits the open batch if it is older than the age limit (for a timer); returns it or null. */
    public synchronized CommittedBatch flushIfDue() {
        if (batchId != null && config.clock().millis() - batchStartedAt >= config.maxBatchAge().toMillis()) {
            return flush();
        }
        return null;
    }

    /** How many messages are buffered and not yet committed. */
    public synchronized long pending() {
        return rows + quarantined;
    }

    /**
     * Commits the open batch (see the class comment for what is durable afterwards) and tells the
     * commit listener. Returns an empty batch when nothing was buffered.
     */
    public synchronized CommittedBatch flush() {
        ensureOpen();
        if (batchId == null) {
            return new CommittedBatch("", List.of(), 0, 0);
        }
        List<Path> temporary = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try {
            drainStages();
            for (HourFiles h : hours.values()) {
                h.parquet.close();
                temporary.add(h.parquetTemp);
                keys.add(h.parquetKey);
                h.raw.finish();
                temporary.add(h.raw.temp);
                keys.add(h.raw.key);
            }
            for (RawFile q : quarantine.values()) {
                q.finish();
                temporary.add(q.temp);
                keys.add(q.key);
            }
            Set<Path> dirs = new HashSet<>();
            for (int i = 0; i < temporary.size(); i++) {
                Path temp = temporary.get(i);
                sync(temp);
                Path target = config.root().resolve(keys.get(i));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                dirs.add(target.getParent());
            }
            for (Path dir : dirs) {
                syncDirectory(dir);
            }
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("lake commit of batch " + batchId + " failed; the batch was discarded", e);
        }
        CommittedBatch batch = new CommittedBatch(batchId, keys, rows, quarantined);
        reset();
        LOG.debug("committed batch {}: {} rows, {} quarantined, {} files", batch.batchId(), batch.rows(),
                batch.quarantined(), batch.keys().size());
        try {
            config.onCommit().accept(batch);
        } catch (RuntimeException e) {
            // The batch is durable: a failing listener must not make the caller write it again.
            LOG.warn("the commit listener failed for batch {} (the batch is committed)", batch.batchId(), e);
        }
        return batch;
    }

    /** Discards the open batch: closes and deletes its temporary files. */
    public synchronized void abort() {
        if (parquetStage != null) {
            // Nothing may still write into the files about to be deleted.
            parquetChunk = new ParquetChunk();
            rawChunk = new RawChunk();
            parquetStage.drainQuietly();
            rawStage.drainQuietly();
        }
        for (HourFiles h : hours.values()) {
            closeQuietly(h.parquet);
            h.raw.discard();
            deleteQuietly(h.parquetTemp);
        }
        for (RawFile q : quarantine.values()) {
            q.discard();
        }
        reset();
    }

    /** Commits what is buffered and closes the writer. */
    @Override
    public synchronized void close() {
        if (!closed) {
            try {
                flush();
            } finally {
                closed = true;
                if (parquetStage != null) {
                    parquetStage.close();
                    rawStage.close();
                }
            }
        }
    }

    /**
     * Deletes temporary files a crashed writer left under {@code root} (their messages were never
     * committed, so their producer still holds them). Call before starting writers on that root.
     *
     * @return how many files were deleted
     */
    public static int deleteOrphans(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int[] deleted = {0};
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(p);
            }).forEach(p -> {
                deleteQuietly(p);
                deleted[0]++;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + " for orphaned temporary files", e);
        }
        return deleted[0];
    }

    /** {@code topic} escaped for a JSON string, UTF-8 (the validator refuses a topic with an unpaired surrogate). */
    private byte[] topicJson(String topic) {
        if (!topic.equals(lastTopic)) {
            lastTopicJson = JsonStringEncoder.getInstance().quoteAsUTF8(topic);
            lastTopic = topic;
        }
        return lastTopicJson;
    }

    private void write(Telemetry t, byte[] topicJson, byte[] payload) throws IOException {
        long hour = Math.floorDiv(t.timestamp(), LakeLayout.HOUR_MS);
        HourFiles h = hours.get(hour);
        if (h == null) {
            h = openHour(hour);
            hours.put(hour, h);
        }
        if (parquetStage == null) {
            h.parquet.write(t);
            h.raw.writeLine(topicJson, t, payload);
            return;
        }
        // Pipelined: this thread validates; the workers encode Parquet and build and gzip the raw
        // line. The writer holds on to the payload until the line is written (see accept).
        if (parquetChunk.add(h.parquet, t)) {
            submitParquet();
        }
        if (rawChunk.add(h.raw, topicJson, t, payload)) {
            submitRaw();
        }
    }

    private void submitParquet() throws IOException {
        ParquetChunk chunk = parquetChunk;
        parquetChunk = new ParquetChunk();
        parquetStage.submit(chunk::writeAll);
    }

    private void submitRaw() throws IOException {
        RawChunk chunk = rawChunk;
        rawChunk = new RawChunk();
        rawStage.submit(chunk::writeAll);
    }

    /** Hands the partial chunks over and waits until the workers have written everything. */
    private void drainStages() throws IOException {
        if (parquetStage == null) {
            return;
        }
        if (parquetChunk.size > 0) {
            submitParquet();
        }
        if (rawChunk.size > 0) {
            submitRaw();
        }
        parquetStage.drain();
        rawStage.drain();
    }

    /** Parquet rows for the worker, each with the writer of its hour. */
    private static final class ParquetChunk {
        final ParquetWriter<?>[] writers = new ParquetWriter<?>[CHUNK];
        final Telemetry[] rows = new Telemetry[CHUNK];
        int size;

        /** Adds a row; true when the chunk is full. */
        boolean add(ParquetWriter<Telemetry> writer, Telemetry row) {
            writers[size] = writer;
            rows[size] = row;
            return ++size == CHUNK;
        }

        @SuppressWarnings("unchecked")
        void writeAll() throws IOException {
            for (int i = 0; i < size; i++) {
                ((ParquetWriter<Telemetry>) writers[i]).write(rows[i]);
            }
        }
    }

    /** Raw messages for the worker, each with the file of its hour. */
    private static final class RawChunk {
        final RawFile[] files = new RawFile[CHUNK];
        final byte[][] topics = new byte[CHUNK][];
        final Telemetry[] rows = new Telemetry[CHUNK];
        final byte[][] payloads = new byte[CHUNK][];
        int size;

        /** Adds a message; true when the chunk is full. */
        boolean add(RawFile file, byte[] topicJson, Telemetry row, byte[] payload) {
            files[size] = file;
            topics[size] = topicJson;
            rows[size] = row;
            payloads[size] = payload;
            return ++size == CHUNK;
        }

        void writeAll() throws IOException {
            for (int i = 0; i < size; i++) {
                files[i].writeLine(topics[i], rows[i], payloads[i]);
            }
        }
    }

    private void writeQuarantine(String topic, byte[] payload, long receivedAt, Verdict.Rejected rejected) throws IOException {
        long hour = Math.floorDiv(receivedAt, LakeLayout.HOUR_MS);
        RawFile q = quarantine.get(hour);
        if (q == null) {
            q = openRaw(LakeLayout.quarantineKey(hour * LakeLayout.HOUR_MS, batchId));
            quarantine.put(hour, q);
        }
        // The generator escapes any string (an unpaired surrogate as \\uD800), so this cannot fail.
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("topic", topic);
            g.writeNumberField("receivedAt", receivedAt);
            g.writeStringField("reason", rejected.reason().name());
            g.writeStringField("detail", rejected.detail());
            g.writeNumberField("size", payload.length);
            if (!rejected.wellFormedJson()) {
                g.writeStringField("payloadBase64", Base64.getEncoder().encodeToString(payload));
            }
            g.writeEndObject();
        }
        if (rejected.wellFormedJson()) {
            // Replace the closing brace by the payload, as sent, and the brace.
            byte[] head = line.toByteArray();
            q.out.write(head, 0, head.length - 1);
            q.out.write(PAYLOAD_FIELD);
            writeOneLine(q.out, payload);
            q.out.write(LINE_END);
        } else {
            line.write('\n');
            line.writeTo(q.out);
        }
    }

    /**
     * Writes a payload the validator passed as well-formed UTF-8 JSON on one line, byte for byte as
     * sent except that a leading UTF-8 byte order mark is dropped and every CR and LF byte becomes a
     * space: JSON allows them only as whitespace between tokens, so the line means exactly what the
     * payload meant (no re-parsing, which would round numbers and collapse duplicate keys).
     */
    static void writeOneLine(OutputStream out, byte[] payload) throws IOException {
        int from = payload.length >= 3 && (payload[0] & 0xff) == 0xEF && (payload[1] & 0xff) == 0xBB
                && (payload[2] & 0xff) == 0xBF ? 3 : 0;
        for (int i = from; i < payload.length; i++) {
            if (payload[i] == '\n' || payload[i] == '\r') {
                out.write(payload, from, i - from);
                out.write(' ');
                from = i + 1;
            }
        }
        out.write(payload, from, payload.length - from);
    }

    private HourFiles openHour(long hour) throws IOException {
        long at = hour * LakeLayout.HOUR_MS;
        String parquetKey = LakeLayout.parquetKey(at, batchId);
        Path parquetTemp = config.root().resolve(LakeLayout.temporaryKey(parquetKey));
        Files.createDirectories(parquetTemp.getParent());
        ParquetWriter<Telemetry> parquet = TelemetryWriteSupport.open(new LocalOutputFile(parquetTemp), schema, firstSignal, config);
        RawFile raw;
        try {
            raw = openRaw(LakeLayout.rawKey(at, batchId));
        } catch (IOException e) {
            closeQuietly(parquet);
            deleteQuietly(parquetTemp);
            throw e;
        }
        return new HourFiles(parquetKey, parquetTemp, parquet, raw);
    }

    private RawFile openRaw(String key) throws IOException {
        Path temp = config.root().resolve(LakeLayout.temporaryKey(key));
        Files.createDirectories(temp.getParent());
        return new RawFile(key, temp, new FileOutputStream(temp.toFile()));
    }

    private void startBatch() {
        batchStartedAt = config.clock().millis();
        batchId = BATCH_TIME.format(Instant.ofEpochMilli(batchStartedAt)) + "-" + writerId + "-" + String.format("%06d", ++sequence);
    }

    private void reset() {
        hours.clear();
        quarantine.clear();
        batchId = null;
        rows = 0;
        quarantined = 0;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the lake writer is closed");
        }
    }

    private static CommittedBatch merge(CommittedBatch a, CommittedBatch b) {
        List<String> keys = new ArrayList<>(a.keys());
        keys.addAll(b.keys());
        return new CommittedBatch(a.batchId() + "+" + b.batchId(), keys, a.rows() + b.rows(), a.quarantined() + b.quarantined());
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic there.
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed while discarding a batch: {}", e.toString());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete temporary file {}: {}", p, e.toString());
        }
    }

    private record HourFiles(String parquetKey, Path parquetTemp, ParquetWriter<Telemetry> parquet, RawFile raw) {
    }

    /** One gzip NDJSON file being written under its temporary name. */
    private static final class RawFile {
        final String key;
        final Path temp;
        final FileOutputStream file;
        final GZIPOutputStream gzip;
        final OutputStream out;
        private long lastReceivedAt;
        private byte[] receivedAtBytes;

        RawFile(String key, Path temp, FileOutputStream file) throws IOException {
            this.key = key;
            this.temp = temp;
            this.file = file;
            this.gzip = new GZIPOutputStream(file, 64 * 1024) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            this.out = new BufferedOutputStream(gzip, 64 * 1024);
        }

        /**
         * Appends {@code {"topic":"...","receivedAt":N,"payload":<payload>}} and a newline, with
         * the receive time's digits cached (consecutive messages mostly share it).
         *
         * @param topicJson the topic, escaped for a JSON string
         */
        void writeLine(byte[] topicJson, Telemetry t, byte[] payload) throws IOException {
            if (t.receivedAt() != lastReceivedAt || receivedAtBytes == null) {
                lastReceivedAt = t.receivedAt();
                receivedAtBytes = Long.toString(lastReceivedAt).getBytes(StandardCharsets.US_ASCII);
            }
            out.write(TOPIC_FIELD);
            out.write(topicJson);
            out.write(RECEIVED_AT_FIELD);
            out.write(receivedAtBytes);
            out.write(PAYLOAD_FIELD);
            if (t.singleLine()) {
                out.write(payload);
            } else {
                writeOneLine(out, payload);
            }
            out.write(LINE_END);
        }

        void finish() throws IOException {
            out.flush();
            gzip.finish();
            file.getFD().sync();
            file.close();
        }

        void discard() {
            closeQuietly(file);
            deleteQuietly(temp);
        }
    }
}
