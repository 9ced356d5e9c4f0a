package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.connectstore.testutils.LakeFiles;
import io.cms.connectstore.testutils.Payloads;
import io.cms.vss.LakeSchema;
import io.cms.vss.Signal;
import io.cms.vss.VssCatalog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes messages spanning three hours and two days with the lake writer, then reads the Parquet back
 * with parquet-avro and with DuckDB's hive partitioning: identical values and types, partition
 * columns right.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LakeRoundTripTest {

    static final VssCatalog CATALOG = VssCatalog.load();
    static final LakeSchema LAKE = new LakeSchema(CATALOG);
    static final long T0 = Instant.parse("2026-12-31T22:10:00Z").toEpochMilli();
    static final int MESSAGES = 300;

    @TempDir
    static Path root;

    final List<Telemetry> expected = new ArrayList<>();

    @BeforeAll
    void write() {
        TelemetryValidator validator = new TelemetryValidator(CATALOG);
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(root).maxBatchRecords(120).build())) {
            for (int i = 0; i < MESSAGES; i++) {
                String vin = Payloads.vin(i % 5);
                long ts = T0 + i * 30_000L;
                ObjectNode m = Payloads.full(vin, ts, i);
                if (i % 4 == 0) {
                    // Some signals absent in some messages: they must read back as null.
                    ((ObjectNode) m.get("Vehicle")).remove("Speed");
                    ((ObjectNode) m.get("Vehicle")).remove("OBD");
                } else if (i % 7 == 3) {
                    // An empty list is a value, not an absent one.
                    ((ObjectNode) m.get("Vehicle").get("OBD")).putArray("DTCList");
                }
                byte[] bytes = Payloads.bytes(m);
                expected.add(((Verdict.Accepted) validator.validate(Payloads.topic(vin), bytes, ts + 100)).telemetry());
                w.accept(Payloads.topic(vin), bytes, ts + 100);
            }
        }
        expected.sort(Comparator.comparingLong(Telemetry::timestamp));
    }

    @Test
    void filesSpanTheHoursAndDaysOfTheirTimestamps() throws Exception {
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).extracting(p -> root.relativize(p.getParent()).toString())
                .contains("parquet/year=2026/month=12/day=31/hour=22", "parquet/year=2026/month=12/day=31/hour=23",
                        "parquet/year=2027/month=1/day=1/hour=0");
    }

    @Test
    void filesCarryTheParquetSchemaAndFooterParquetAvroWouldWrite() throws Exception {
        Schema avro = new Schema.Parser().parse(LAKE.avroSchemaJson());
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean("parquet.avro.write-old-list-structure", false);
        MessageType parquetAvro = new AvroSchemaConverter(conf).convert(avro);
        for (Path p : LakeFiles.files(root, "parquet", ".parquet")) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(p))) {
                FileMetaData meta = reader.getFooter().getFileMetaData();
                assertThat(meta.getSchema()).isEqualTo(parquetAvro);
                assertThat(new Schema.Parser().parse(meta.getKeyValueMetaData().get("parquet.avro.schema"))).isEqualTo(avro);
            }
        }
    }

    @Test
    void parquetAvroReadsBackIdenticalValuesAndTypes() throws Exception {
        List<GenericRecord> rows = new ArrayList<>();
        for (Path p : LakeFiles.files(root, "parquet", ".parquet")) {
            rows.addAll(LakeFiles.parquet(p));
        }
        rows.sort(Comparator.comparingLong(r -> (Long) r.get("ts")));
        assertThat(rows).hasSize(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            Telemetry t = expected.get(i);
            GenericRecord r = rows.get(i);
            assertThat(r.get("vin").toString()).isEqualTo(t.vin());
            assertThat(r.get("ts")).isEqualTo(t.timestamp());
            assertThat(r.get("received_at")).isEqualTo(t.receivedAt());
            for (int s = 0; s < CATALOG.signals().size(); s++) {
                Object want = t.value(s);
                Object got = r.get(LAKE.firstSignalColumn() + s);
                if (want instanceof List<?> list) {
                    assertThat(got).isInstanceOf(List.class);
                    assertThat(((List<?>) got).stream().map(Object::toString).toList()).isEqualTo(list);
                } else if (want instanceof String text) {
                    assertThat(got.toString()).isEqualTo(text);
                } else {
                    assertThat(got).as(CATALOG.signals().get(s).path()).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void duckDbReadsTheSameValuesWithPartitionColumns() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            String source = "read_parquet('" + root.resolve("parquet") + "/**/*.parquet', hive_partitioning = true)";
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + source + " ORDER BY ts")) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            assertThat(rows).hasSize(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                Telemetry t = expected.get(i);
                Map<String, Object> row = rows.get(i);
                assertThat(row.get("vin")).isEqualTo(t.vin());
                assertThat(row.get("ts")).isEqualTo(t.timestamp());
                ZonedDateTime at = Instant.ofEpochMilli(t.timestamp()).atZone(ZoneOffset.UTC);
                assertThat(((Number) row.get("year")).intValue()).isEqualTo(at.getYear());
                assertThat(((Number) row.get("month")).intValue()).isEqualTo(at.getMonthValue());
                assertThat(((Number) row.get("day")).intValue()).isEqualTo(at.getDayOfMonth());
                assertThat(((Number) row.get("hour")).intValue()).isEqualTo(at.getHour());
                for (int sIdx = 0; sIdx < CATALOG.signals().size(); sIdx++) {
                    Signal signal = CATALOG.signals().get(sIdx);
                    Object want = t.value(sIdx);
                    Object got = row.get(LakeSchema.column(signal.path()));
                    if (want == null) {
                        assertThat(got).as(signal.path()).isNull();
                    } else if (want instanceof List<?> list) {
                        Object[] array = (Object[]) ((java.sql.Array) got).getArray();
                        assertThat(List.of(array)).isEqualTo(list);
                    } else {
                        assertThat(got).as(signal.path()).isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void duckDbSeesTheCatalogTypes() throws Exception {
        Map<String, String> types = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + root.resolve("parquet")
                        + "/**/*.parquet', hive_partitioning = true)")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        assertThat(types).containsEntry("vin", "VARCHAR").containsEntry("ts", "BIGINT").containsEntry("received_at", "BIGINT")
                .containsEntry("vehicle_speed", "FLOAT").containsEntry("vehicle_currentlocation_latitude", "DOUBLE")
                .containsEntry("vehicle_powertrain_range", "BIGINT").containsEntry("vehicle_ismoving", "BOOLEAN")
                .containsEntry("vehicle_vehicleidentification_year", "INTEGER").containsEntry("vehicle_obd_dtclist", "VARCHAR[]");
        assertThat(types.get("year")).isIn("BIGINT", "INTEGER");
        assertThat(types.get("month")).isIn("BIGINT", "INTEGER");
        assertThat(types.get("day")).isIn("BIGINT", "INTEGER");
        assertThat(types.get("hour")).isIn("BIGINT", "INTEGER");
    }

    @Test
    void duckDbPrunesByHourPartition() throws Exception {
        long hour23 = expected.stream().filter(t -> Instant.ofEpochMilli(t.timestamp()).atZone(ZoneOffset.UTC).getHour() == 23
                && Instant.ofEpochMilli(t.timestamp()).atZone(ZoneOffset.UTC).getDayOfMonth() == 31).count();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + root.resolve("parquet")
                        + "/**/*.parquet', hive_partitioning = true) WHERE year = 2026 AND month = 12 AND day = 31 AND hour = 23")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(hour23).isPositive();
        }
    }
}
