package io.cms.connectstore.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.connectstore.testutils.Payloads;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Lake writer throughput on one thread next to bare parquet-avro writing the same rows in the same
 * run, and bytes per record on disk. Records carry 30 VSS signals. For a one-core figure run it
 * under {@code taskset -c 0 java -XX:ActiveProcessorCount=1 ...}.
 *
 * <p>"bare" = pre-built Avro records into one Parquet file (no JSON, no validation, no raw copy).
 * "lake writer" = payload bytes in: streaming validation, the Parquet row (written straight from the validated values) and the gzip NDJSON
 * raw line, with the commit (fsync + rename) included; "pipelined" (the default) validates on the
 * caller's thread while two workers encode Parquet and gzip, "inline" does all of it on one thread.
 */
public final class LakeWriterBench {

    static final int RECORDS = Integer.getInteger("bench.records", 300_000);
    static final int DISTINCT = 20_000;
    static final int ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        VssCatalog catalog = VssCatalog.load();
        TelemetryValidator validator = new TelemetryValidator(catalog);
        long t0 = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();
        long receivedAt = t0 + 3_600_000;
        List<String> topics = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            String vin = Payloads.vin(i % 1000);
            ObjectNode m = Payloads.full(vin, t0 + i * 100L, i);
            strip(m);
            topics.add(Payloads.topic(vin));
            payloads.add(Payloads.bytes(m));
        }
        Telemetry sample = ((Verdict.Accepted) validator.validate(topics.get(0), payloads.get(0), receivedAt)).telemetry();
        LakeSchema lake = new LakeSchema(catalog);
        Schema schema = new Schema.Parser().parse(lake.avroSchemaJson());
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            Telemetry t = ((Verdict.Accepted) validator.validate(topics.get(i), payloads.get(i), receivedAt)).telemetry();
            GenericData.Record r = new GenericData.Record(schema);
            r.put(0, t.vin());
            r.put(1, t.timestamp());
            r.put(2, t.receivedAt());
            for (int s = 0; s < t.size(); s++) {
                r.put(lake.firstSignalColumn() + s, t.value(s));
            }
            records.add(r);
        }
        System.out.printf("records: %,d (%d signals each, %d distinct payloads of ~%d bytes), codec SNAPPY, JVM sees %d CPUs%n",
                RECORDS, sample.reported(), DISTINCT, payloads.get(0).length, Runtime.getRuntime().availableProcessors());

        // Warm-up, then the measured runs, alternating so both see the same JIT and GC state.
        bare(schema, records, RECORDS / 5);
        lakeWriter(validator, topics, payloads, receivedAt, RECORDS / 5, true);
        lakeWriter(validator, topics, payloads, receivedAt, RECORDS / 5, false);
        // Five alternating rounds; the best of each is reported (the build machine is shared, so
        // the best round is the one least disturbed by other processes).
        double[][] bareRuns = new double[ROUNDS][];
        double[][] writerRuns = new double[ROUNDS][];
        double[][] inlineRuns = new double[ROUNDS][];
        for (int r = 0; r < ROUNDS; r++) {
            bareRuns[r] = bare(schema, records, RECORDS);
            writerRuns[r] = lakeWriter(validator, topics, payloads, receivedAt, RECORDS, true);
            inlineRuns[r] = lakeWriter(validator, topics, payloads, receivedAt, RECORDS, false);
        }
        double[] bare = best(bareRuns);
        double[] writer = best(writerRuns);
        double[] inline = best(inlineRuns);
        double bareRate = bare[0];
        double writerRate = writer[0];
        double inlineRate = inline[0];
        System.out.printf("bare parquet-avro        : %,10.0f rows/s  (runs %s)   parquet %.1f B/row   [1 thread]%n",
                bareRate, rates(bareRuns), bare[1]);
        System.out.printf("lake writer (pipelined)  : %,10.0f rows/s  (runs %s)   parquet %.1f B/row + raw json.gz %.1f B/row"
                + "   [caller validates; Parquet and gzip on 2 workers]%n", writerRate, rates(writerRuns), writer[1], writer[2]);
        System.out.printf("lake writer (inline)     : %,10.0f rows/s  (runs %s)   [1 thread]%n", inlineRate, rates(inlineRuns));
        System.out.printf("load average after the runs: %.1f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("ratio pipelined/bare     : %.2f   (target >= 0.80; >= 150 000 rows/s)%n", writerRate / bareRate);
        System.out.printf("ratio inline/bare        : %.2f   (same work on one thread)%n", inlineRate / bareRate);
        // Where the difference goes: the two stages the bare writer does not do.
        validateOnly(validator, topics, payloads, receivedAt, RECORDS / 5);
        gzipOnly(payloads, RECORDS / 5);
        System.out.printf("  of which: validation %,.0f msgs/s alone; raw gzip (level 1) %,.0f msgs/s alone%n",
                validateOnly(validator, topics, payloads, receivedAt, RECORDS), gzipOnly(payloads, RECORDS));
    }

    private static double[] best(double[][] runs) {
        double[] best = runs[0];
        for (double[] r : runs) {
            if (r[0] > best[0]) {
                best = r;
            }
        }
        return best;
    }

    private static String rates(double[][] runs) {
        StringBuilder out = new StringBuilder();
        for (double[] r : runs) {
            out.append(out.length() == 0 ? "" : " / ").append(String.format("%,.0f", r[0]));
        }
        return out.toString();
    }

    private static void strip(ObjectNode m) {
        ObjectNode v = (ObjectNode) m.get("Vehicle");
        ((ObjectNode) v.get("CurrentLocation")).remove("HorizontalAccuracy");
        v.remove("AverageSpeed");
        v.remove("TripDuration");
        ObjectNode pt = (ObjectNode) v.get("Powertrain");
        pt.remove("FuelSystem");
        ObjectNode tb = (ObjectNode) pt.get("TractionBattery");
        tb.remove("CurrentPower");
        ((ObjectNode) tb.get("Charging")).remove("ChargeLimit");
        ((ObjectNode) tb.get("Charging")).remove("ChargeRate");
        ((ObjectNode) v.get("VehicleIdentification")).remove("Brand");
    }

    /** Returns {rows/s, parquet bytes/row}. */
    private static double[] bare(Schema schema, List<GenericRecord> records, int n) throws IOException {
        Path dir = Files.createTempDirectory("bench-bare");
        Path file = dir.resolve("bare.parquet");
        long start = System.nanoTime();
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean("parquet.avro.write-old-list-structure", false);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (int i = 0; i < n; i++) {
                w.write(records.get(i % records.size()));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double bytes = Files.size(file);
        delete(dir);
        return new double[] {n / seconds, bytes / n};
    }

    /** Returns {rows/s, parquet bytes/row, raw bytes/row}. */
    private static double[] lakeWriter(TelemetryValidator validator, List<String> topics, List<byte[]> payloads, long receivedAt, int n,
            boolean pipelined)
            throws IOException {
        Path root = Files.createTempDirectory("bench-lake");
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong();
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(root).validator(validator).maxBatchRecords(n).pipelined(pipelined)
                .onCommit(b -> committed.addAndGet(b.rows())).build())) {
            for (int i = 0; i < n; i++) {
                int k = i % payloads.size();
                w.accept(topics.get(k), payloads.get(k), receivedAt);
            }
        }
        long rows = committed.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rows != n) {
            throw new IllegalStateException("lake writer committed " + rows + " of " + n + " rows");
        }
        double parquet = size(root.resolve("parquet"));
        double raw = size(root.resolve("raw"));
        delete(root);
        return new double[] {n / seconds, parquet / n, raw / n};
    }

    private static double validateOnly(TelemetryValidator validator, List<String> topics, List<byte[]> payloads, long receivedAt, int n) {
        long start = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            int k = i % payloads.size();
            if (validator.validate(topics.get(k), payloads.get(k), receivedAt) instanceof Verdict.Accepted) {
                accepted++;
            }
        }
        if (accepted != n) {
            throw new IllegalStateException("only " + accepted + " of " + n + " valid");
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double gzipOnly(List<byte[]> payloads, int n) throws IOException {
        java.io.OutputStream sink = java.io.OutputStream.nullOutputStream();
        long start = System.nanoTime();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(sink, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }; java.io.BufferedOutputStream out = new java.io.BufferedOutputStream(gz, 64 * 1024)) {
            for (int i = 0; i < n; i++) {
                out.write(payloads.get(i % payloads.size()));
                out.write('\n');
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
