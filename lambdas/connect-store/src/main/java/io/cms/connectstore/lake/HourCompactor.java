package io.cms.connectstore.lake;

import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Merges the small Parquet files of a closed hour of a local lake ({@link LakeLayout}) into one
 * file, so queries open one file per hour instead of one per batch.
 *
 * <p>Crash-safe without a lock file: the merged file lists its inputs in its Parquet footer
 * ({@value #COMPACTED_FROM}); it is written under a hidden temporary name, synced and renamed, and
 * only then are the inputs deleted. A run that finds a merged file whose inputs still exist (a crash
 * between the rename and the deletes) deletes those inputs first, so no row is ever counted twice
 * and none is lost. Only hours closed for longer than the grace period are touched, so no writer is
 * still adding files to them.
 *
 * <p>Rows are copied into the current catalog's schema by column name, so an hour may mix files
 * written before and after a catalog change: a column a file lacks (a signal added since) is null,
 * a column the catalog no longer has (a removed signal) is dropped, and a column whose type
 * differs (a retyped signal, which the catalog forbids) fails the hour naming the file.
 */
public final class HourCompactor {

    /** Footer key listing the file names a merged file was made of (comma-separated). */
    public static final String COMPACTED_FROM = "cms.compacted.from";
    /** How the name of a merged file starts (only such files can list inputs in their footer). */
    public static final String MERGED_PREFIX = "compacted-";

    private final Path root;
    private final Schema schema;
    private final CompressionCodecName codec;
    private final Clock clock;
    private final Duration grace;
    private final String compactorId;
    /** Merges this compactor has started (part of each merged file's name). */
    private final AtomicLong merges = new AtomicLong();
    private final Lock publishLock;

    /**
     * @param root the lake root
     * @param codec Parquet compression of the merged files
     * @param clock time source deciding which hours are closed
     * @param grace how long after its end an hour may still receive files (the writers' batch age)
     */
    public HourCompactor(Path root, CompressionCodecName codec, Clock clock, Duration grace) {
        this(root, codec, clock, grace, new ReentrantLock());
    }

    /**
     * A compactor that holds {@code publishLock} while it swaps an hour's files (renames the merged
     * file in, deletes its inputs), so readers that hold the matching read lock see either the
     * inputs or the merged file, never both (rows counted twice) and never neither.
     *
     * @param publishLock held around each swap, e.g. the write lock of a {@code ReadWriteLock} whose
     *     read lock queries of the lake take
     */
    public HourCompactor(Path root, CompressionCodecName codec, Clock clock, Duration grace, Lock publishLock) {
        this.publishLock = publishLock;
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
        this.root = root;
        this.schema = new Schema.Parser().parse(new LakeSchema(VssCatalog.load()).avroSchemaJson());
        this.codec = codec;
        this.clock = clock;
        this.grace = grace;
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        this.compactorId = HexFormat.of().formatHex(id);
    }

    /**
     * What a compaction did.
     *
     * @param partition the hour's directory relative to the root, e.g. {@code parquet/year=2026/month=11/day=22/hour=7}
     * @param mergedKey the key of the merged file, or null when there was nothing to merge
     * @param inputs how many files were merged
     * @param rows rows in the merged file
     */
    public record Result(String partition, String mergedKey, int inputs, long rows) {
    }

    /** Whether the hour that starts at {@code hourStartMs} is closed: its end plus the grace period has passed. */
    public boolean closed(long hourStartMs) {
        return clock.millis() >= hourStartMs + LakeLayout.HOUR_MS + grace.toMillis();
    }

    /**
     * Refuses what {@link #compact} (here and on S3) must not touch.
     *
     * @throws IllegalArgumentException when {@code hourStartMs} is not the start of an hour or the hour is not closed
     */
    void requireClosedHour(long hourStartMs) {
        if (Math.floorMod(hourStartMs, LakeLayout.HOUR_MS) != 0) {
            throw new IllegalArgumentException("hourStartMs must be the start of an hour, got " + Instant.ofEpochMilli(hourStartMs));
        }
        if (!closed(hourStartMs)) {
            throw new IllegalArgumentException("hour " + Instant.ofEpochMilli(hourStartMs) + " is not closed before "
                    + Instant.ofEpochMilli(hourStartMs + LakeLayout.HOUR_MS + grace.toMillis())
                    + "; writers may still add files to it");
        }
    }

    /**
     * Merges the Parquet files of the hour that starts at {@code hourStartMs} (UTC). An hour with
     * fewer than two files is left alone after one directory listing.
     *
     * @throws IllegalArgumentException when the hour is not closed yet
     */
    public Result compact(long hourStartMs) {
        requireClosedHour(hourStartMs);
        String partition = LakeLayout.PARQUET + "/" + LakeLayout.partition(hourStartMs);
        Path dir = root.resolve(partition);
        if (!Files.isDirectory(dir)) {
            return new Result(partition, null, 0, 0);
        }
        try {
            List<Path> inputs = visibleParquet(dir);
            // A single file cannot be a merged file next to its leftover inputs.
            if (inputs.size() >= 2 && finishInterrupted(dir, inputs) > 0) {
                inputs = visibleParquet(dir);
            }
            if (inputs.size() < 2) {
                return new Result(partition, null, inputs.size(), 0);
            }
            String name = freshName(hourStartMs);
            Path target = root.resolve(name);
            Path temp = root.resolve(LakeLayout.temporaryKey(name));
            long rows = merge(inputs, temp);
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            publishLock.lock();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(dir);
                for (Path in : inputs) {
                    Files.delete(in);
                }
            } finally {
                publishLock.unlock();
            }
            syncDirectory(dir);
            return new Result(partition, name, inputs.size(), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("compaction of " + partition + " failed; its files are unchanged", e);
        }
    }

    /**
     * A merged file's key no file ever had: the compactor's random id and a per-instance sequence,
     * so the rename never replaces an earlier merged file (whose rows the deletes would then take
     * away), nor takes a name a surviving merged file lists as its input, whatever the clock does.
     */
    private String freshName(long hourStartMs) {
        return LakeLayout.parquetKey(hourStartMs, MERGED_PREFIX + compactorId + "-" + clock.millis() + "-" + merges.incrementAndGet());
    }

    /** Parquet refuses a file that is not Parquet with an unchecked exception: these name the file instead. */
    private static ParquetReader<GenericRecord> open(Path in) throws IOException {
        try {
            return AvroParquetReader.<GenericRecord>builder(new LocalInputFile(in))
                    .withDataModel(GenericData.get())
                    .withConf(new PlainParquetConfiguration()).build();
        } catch (RuntimeException e) {
            throw unreadable(in, e);
        }
    }

    private static IOException unreadable(Path file, RuntimeException e) {
        return new IOException(file.getFileName() + " is not a readable Parquet file: " + e.getMessage(), e);
    }

    private static GenericRecord read(ParquetReader<GenericRecord> reader, Path in) throws IOException {
        try {
            return reader.read();
        } catch (RuntimeException e) {
            throw unreadable(in, e);
        }
    }

    private long merge(List<Path> inputs, Path temp) throws IOException {
        StringBuilder from = new StringBuilder();
        for (Path in : inputs) {
            from.append(from.length() == 0 ? "" : ",").append(in.getFileName());
        }
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean("parquet.avro.write-old-list-structure", false);
        long rows = 0;
        try (ParquetWriter<GenericRecord> out = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(temp))
                .withSchema(schema)
                .withConf(conf)
                .withCompressionCodec(codec)
                .withExtraMetaData(Map.of(COMPACTED_FROM, from.toString()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (Path in : inputs) {
                try (ParquetReader<GenericRecord> reader = open(in)) {
                    GenericRecord r;
                    int[] positions = null;
                    boolean sameSchema = false;
                    while ((r = read(reader, in)) != null) {
                        if (positions == null) {
                            positions = fieldMapping(in, r.getSchema());
                            // Files of the current catalog (nearly all) are written as read, without a copy per row.
                            sameSchema = r.getSchema().equals(schema);
                        }
                        out.write(sameSchema ? r : toLakeSchema(r, positions));
                        rows++;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e instanceof IOException io ? io : new IOException(e);
        }
        return rows;
    }

    /**
     * For each field of the current schema, the position of the field of that name in a file's
     * schema, or -1 when the file has no such column (a signal added after the file was written: it
     * stays null). parquet-avro writes a record's fields by position, so a file written before a
     * signal was added, or without one in the middle, must be copied by name. Columns the current
     * schema no longer has (a removed signal) are dropped; the raw messages still hold them.
     */
    private int[] fieldMapping(Path in, Schema fileSchema) throws IOException {
        List<Schema.Field> fields = schema.getFields();
        int[] from = new int[fields.size()];
        for (int i = 0; i < from.length; i++) {
            Schema.Field target = fields.get(i);
            Schema.Field source = fileSchema.getField(target.name());
            if (source == null) {
                if (!nullable(target.schema())) {
                    throw new IOException(in.getFileName() + " has no column " + target.name() + ", which every lake row needs");
                }
                from[i] = -1;
                continue;
            }
            String have = typeName(source.schema());
            String want = typeName(target.schema());
            if (!have.equals(want)) {
                throw new IOException(in.getFileName() + ": column " + target.name() + " is " + have
                        + " in the file but " + want + " in the catalog; a signal must not be retyped");
            }
            from[i] = source.pos();
        }
        return from;
    }

    private GenericRecord toLakeSchema(GenericRecord r, int[] from) {
        GenericData.Record out = new GenericData.Record(schema);
        for (int i = 0; i < from.length; i++) {
            if (from[i] >= 0) {
                out.put(i, r.get(from[i]));
            }
        }
        return out;
    }

    private static boolean nullable(Schema s) {
        return s.getType() == Schema.Type.NULL
                || s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
    }

    /** The type of a column without its null branch, e.g. {@code float} or {@code array<string>}. */
    private static String typeName(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            List<Schema> branches = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
            if (branches.size() != 1) {
                return s.toString();
            }
            s = branches.get(0);
        }
        return s.getType() == Schema.Type.ARRAY
                ? "array<" + typeName(s.getElementType()) + ">"
                : s.getType().getName();
    }

    /**
     * Finishes a compaction of the hour that a crash interrupted between renaming the merged file in
     * and deleting its inputs (until then readers count the hour's rows twice); unlike
     * {@link #compact}, any hour, closed or not, and nothing is merged. Cheap: one listing, and a
     * footer read only of merged files that have other files next to them.
     *
     * @return how many leftover inputs were deleted
     * @throws UncheckedIOException when the hour cannot be listed or a merged file cannot be read
     */
    public int finishInterrupted(long hourStartMs) {
        Path dir = root.resolve(LakeLayout.PARQUET + "/" + LakeLayout.partition(hourStartMs));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try {
            List<Path> files = visibleParquet(dir);
            return files.size() < 2 ? 0 : finishInterrupted(dir, files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish an interrupted compaction of " + dir.getFileName(), e);
        }
    }

    /**
     * Deletes inputs a merged file among {@code files} already holds (left by a crash between the
     * rename and the deletes); returns how many it deleted.
     */
    private int finishInterrupted(Path dir, List<Path> files) throws IOException {
        int deleted = 0;
        for (Path p : files) {
            if (!p.getFileName().toString().startsWith(MERGED_PREFIX) || !Files.exists(p)) {
                continue; // not a merged file, or a leftover an earlier merged file of this list held
            }
            String from;
            try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(p))) {
                from = r.getFileMetaData().getKeyValueMetaData().get(COMPACTED_FROM);
            } catch (RuntimeException e) {
                throw unreadable(p, e);
            }
            if (from == null) {
                continue;
            }
            Set<String> merged = new LinkedHashSet<>(Arrays.asList(from.split(",")));
            publishLock.lock();
            try {
                for (String name : merged) {
                    Path leftover = dir.resolve(name);
                    if (!name.equals(p.getFileName().toString()) && Files.deleteIfExists(leftover)) {
                        deleted++;
                    }
                }
            } finally {
                publishLock.unlock();
            }
        }
        if (deleted > 0) {
            syncDirectory(dir);
        }
        return deleted;
    }

    private static List<Path> visibleParquet(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> LakeLayout.isVisibleParquet(p.getFileName().toString()) && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic there.
        }
    }
}
