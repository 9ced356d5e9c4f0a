package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.connectstore.testutils.LakeFiles;
import io.cms.connectstore.testutils.Payloads;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourCompactorTest {

    static final long HOUR = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();
    static final String VIN = Payloads.vin(3);

    @TempDir
    Path root;

    private final Clock later = Clock.fixed(Instant.ofEpochMilli(HOUR + 2 * LakeLayout.HOUR_MS), ZoneOffset.UTC);

    @Test
    void mergesTheFilesOfAClosedHourIntoOneWithTheSameRows() throws Exception {
        writeBatches(3, 40);
        List<String> before = rows();

        HourCompactor.Result result = compactor(later).compact(HOUR);

        assertThat(result.inputs()).isEqualTo(3);
        assertThat(result.rows()).isEqualTo(120);
        assertThat(parquetFiles()).hasSize(1);
        assertThat(rows()).isEqualTo(before);
        assertThat(result.mergedKey()).startsWith("parquet/year=2026/month=11/day=22/hour=7/");
    }

    @Test
    void compactingAnHourAgainInTheSameMillisecondNeverReplacesTheFileItMerged() throws Exception {
        writeBatches(2, 10);
        HourCompactor compactor = compactor(later);
        String first = compactor.compact(HOUR).mergedKey();
        writeBatches(1, 10);
        List<String> before = rows();

        HourCompactor.Result again = compactor.compact(HOUR);

        assertThat(again.mergedKey()).as("a fresh name, not the first merge's").isNotEqualTo(first);
        assertThat(again.inputs()).isEqualTo(2);
        assertThat(parquetFiles()).hasSize(1);
        assertThat(rows()).isEqualTo(before).hasSize(30);
    }

    @Test
    void refusesAnHourThatIsNotClosed() throws Exception {
        writeBatches(2, 5);
        Clock duringGrace = Clock.fixed(Instant.ofEpochMilli(HOUR + LakeLayout.HOUR_MS + 30_000), ZoneOffset.UTC);
        assertThatThrownBy(() -> compactor(duringGrace).compact(HOUR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not closed");
        assertThat(parquetFiles()).hasSize(2);
    }

    @Test
    void leavesAnHourWithOneFileAlone() throws Exception {
        writeBatches(1, 5);
        Path only = parquetFiles().get(0);
        HourCompactor.Result result = compactor(later).compact(HOUR);
        assertThat(result.mergedKey()).isNull();
        assertThat(parquetFiles()).containsExactly(only);
    }

    @Test
    void finishesACompactionInterruptedBeforeItsDeletes() throws Exception {
        writeBatches(2, 10);
        List<String> before = rows();
        Path stash = Files.createTempDirectory(root, "stash");
        for (Path p : parquetFiles()) {
            Files.copy(p, stash.resolve(p.getFileName()));
        }
        compactor(later).compact(HOUR);
        // The crash: the merged file is visible, but the inputs were never deleted.
        Path dir = root.resolve("parquet/year=2026/month=11/day=22/hour=7");
        try (var stashed = Files.list(stash)) {
            for (Path p : stashed.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        assertThat(parquetFiles()).hasSize(3);

        HourCompactor.Result again = compactor(later).compact(HOUR);

        assertThat(again.mergedKey()).isNull();
        assertThat(parquetFiles()).hasSize(1);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void swapsTheFilesOnlyWhileHoldingThePublishLock() throws Exception {
        writeBatches(2, 10);
        java.util.concurrent.locks.ReentrantReadWriteLock view = new java.util.concurrent.locks.ReentrantReadWriteLock();
        HourCompactor compactor = new HourCompactor(root, CompressionCodecName.SNAPPY, later, Duration.ofMinutes(5), view.writeLock());
        view.readLock().lock(); // a query reading the hour
        Thread compaction = new Thread(() -> compactor.compact(HOUR), "compaction");
        try {
            compaction.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!view.hasQueuedThread(compaction) && compaction.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(view.hasQueuedThread(compaction)).as("the swap waits for the reader's lock").isTrue();
            assertThat(compaction.isAlive()).as("the swap waits for the reader").isTrue();
            assertThat(parquetFiles()).as("the reader still sees exactly the inputs").hasSize(2);
        } finally {
            view.readLock().unlock();
        }
        compaction.join(10_000);
        assertThat(compaction.isAlive()).isFalse();
        assertThat(parquetFiles()).hasSize(1);
    }

    @Test
    void anHourWithAFileThatIsNotParquetFailsNamingItAndKeepsEveryFile() throws Exception {
        writeBatches(2, 5);
        Path corrupt = parquetFiles().get(0).resolveSibling("zz-corrupt.parquet");
        Files.writeString(corrupt, "not parquet at all");
        List<Path> before = parquetFiles();

        assertThatThrownBy(() -> compactor(later).compact(HOUR))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("its files are unchanged")
                .hasRootCauseInstanceOf(RuntimeException.class)
                .cause().hasMessageContaining("zz-corrupt.parquet is not a readable Parquet file");
        assertThat(parquetFiles()).isEqualTo(before);
        assertThat(corrupt).hasContent("not parquet at all");
    }

    @Test
    void compactsFilesWrittenBeforeTheLastSignalWasAddedWithThatColumnNull() throws Exception {
        writeBatches(3, 10);
        List<Path> files = parquetFiles();
        String added = lakeSchema().getFields().get(lakeSchema().getFields().size() - 1).name();
        List<String> expected = new ArrayList<>(rowsWith(added, null).subList(0, 20));
        expected.addAll(rowsOf(files.get(2)));
        Collections.sort(expected);
        Schema previous = lakeSchemaEdited(fields -> fields.removeIf(f -> f.name().equals(added)));
        rewrite(files.get(0), previous, Map.of());
        rewrite(files.get(1), previous, Map.of());

        HourCompactor.Result result = compactor(later).compact(HOUR);

        assertThat(result.inputs()).isEqualTo(3);
        assertThat(result.rows()).isEqualTo(30);
        assertThat(parquetFiles()).hasSize(1);
        assertThat(rows()).as("the added column is null in the old rows, every other value in its column").isEqualTo(expected);
    }

    @Test
    void compactsAFileWithoutAColumnInTheMiddleKeepingEveryValueInItsColumn() throws Exception {
        writeBatches(2, 10);
        String missing = LakeSchema.column("Vehicle.Speed");
        List<Path> files = parquetFiles();
        List<String> expected = new ArrayList<>(rowsWith(missing, null).subList(0, 10));
        expected.addAll(rowsOf(files.get(1)));
        Collections.sort(expected);
        rewrite(files.get(0), lakeSchemaEdited(fields -> fields.removeIf(f -> f.name().equals(missing))), Map.of());

        HourCompactor.Result result = compactor(later).compact(HOUR);

        assertThat(result.rows()).isEqualTo(20);
        assertThat(rows()).isEqualTo(expected);
    }

    @Test
    void dropsAColumnTheCatalogNoLongerHas() throws Exception {
        writeBatches(2, 10);
        List<String> expected = rows();
        Schema withRemovedSignal = lakeSchemaEdited(fields -> fields.add(5, new Schema.Field("vehicle_retired",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.INT)), null, Schema.Field.NULL_DEFAULT_VALUE)));
        rewrite(parquetFiles().get(0), withRemovedSignal, Map.of("vehicle_retired", 7));

        HourCompactor.Result result = compactor(later).compact(HOUR);

        assertThat(result.rows()).isEqualTo(20);
        assertThat(rows()).isEqualTo(expected);
    }

    @Test
    void aRetypedColumnFailsNamingItAndKeepsEveryFile() throws Exception {
        writeBatches(2, 5);
        String speed = LakeSchema.column("Vehicle.Speed");
        Schema retyped = lakeSchemaEdited(fields -> fields.replaceAll(f -> !f.name().equals(speed) ? f : new Schema.Field(speed,
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE)), null, Schema.Field.NULL_DEFAULT_VALUE)));
        rewrite(parquetFiles().get(0), retyped, Map.of(speed, 1.5d));
        List<Path> before = parquetFiles();

        assertThatThrownBy(() -> compactor(later).compact(HOUR))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("its files are unchanged")
                .cause().hasMessageContaining("column " + speed + " is double in the file but float in the catalog");
        assertThat(parquetFiles()).isEqualTo(before);
    }

    @Test
    void aFileWithoutARequiredColumnFailsNamingItAndKeepsEveryFile() throws Exception {
        writeBatches(2, 5);
        Path noVin = parquetFiles().get(0);
        rewrite(noVin, lakeSchemaEdited(fields -> fields.removeIf(f -> f.name().equals(LakeSchema.VIN))), Map.of());
        List<Path> before = parquetFiles();

        assertThatThrownBy(() -> compactor(later).compact(HOUR))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("its files are unchanged")
                .cause().hasMessage(noVin.getFileName() + " has no column " + LakeSchema.VIN + ", which every lake row needs");
        assertThat(parquetFiles()).isEqualTo(before);
    }

    @Test
    void refusesATimeThatIsNotTheStartOfAnHour() {
        assertThatThrownBy(() -> compactor(later).compact(HOUR + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start of an hour");
    }

    private HourCompactor compactor(Clock clock) {
        return new HourCompactor(root, CompressionCodecName.SNAPPY, clock, Duration.ofMinutes(5));
    }

    private void writeBatches(int batches, int rowsEach) {
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(root).build())) {
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < rowsEach; i++) {
                    long ts = HOUR + b * 60_000L + i;
                    w.accept(Payloads.topic(VIN), Payloads.bytes(Payloads.full(VIN, ts, b * 1000 + i)), HOUR + LakeLayout.HOUR_MS);
                }
                w.flush();
            }
        }
    }

    private List<Path> parquetFiles() throws Exception {
        return LakeFiles.files(root, "parquet", ".parquet");
    }

    private List<String> rows() throws Exception {
        List<String> out = new ArrayList<>();
        for (Path p : parquetFiles()) {
            out.addAll(rowsOf(p));
        }
        Collections.sort(out);
        return out;
    }

    private static List<String> rowsOf(Path file) throws Exception {
        return LakeFiles.parquet(file).stream().map(GenericRecord::toString).sorted().toList();
    }

    /** Every row of the lake, in file order, with {@code column} set to {@code value}. */
    private List<String> rowsWith(String column, Object value) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path p : parquetFiles()) {
            for (GenericRecord r : LakeFiles.parquet(p)) {
                GenericData.Record copy = new GenericData.Record((GenericData.Record) r, true);
                copy.put(column, value);
                out.add(copy.toString());
            }
        }
        return out;
    }

    private static Schema lakeSchema() {
        return new Schema.Parser().parse(new LakeSchema(VssCatalog.load()).avroSchemaJson());
    }

    /** The lake's schema with its field list edited, as an older or newer catalog would have it. */
    private static Schema lakeSchemaEdited(Consumer<List<Schema.Field>> edit) {
        Schema current = lakeSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        edit.accept(fields);
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /**
     * Writes {@code file} again with {@code fileSchema}, as a writer of another catalog would have:
     * values copied by column name, {@code values} set in every row.
     */
    private static void rewrite(Path file, Schema fileSchema, Map<String, Object> values) throws Exception {
        List<GenericRecord> rows = LakeFiles.parquet(file);
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean("parquet.avro.write-old-list-structure", false);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(fileSchema).withConf(conf).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : rows) {
                GenericData.Record out = new GenericData.Record(fileSchema);
                for (Schema.Field f : fileSchema.getFields()) {
                    out.put(f.name(), values.containsKey(f.name()) ? values.get(f.name()) : r.get(f.name()));
                }
                w.write(out);
            }
        }
    }
}
