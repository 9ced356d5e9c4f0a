package io.cms.api.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the built SQL on DuckDB over a date/hour-partitioned Parquet lake. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryQueryBuilderTest {

    static final String VIN = "1HGCM82633A004352";
    static final Instant T0 = Instant.parse("2026-11-22T07:30:00Z");
    static final LakeSchema COLUMNS = new LakeSchema(VssCatalog.load());
    /** A day, a month and a year boundary (UTC); the lake has a message a minute from 30 minutes before each to 30 after. */
    static final List<Instant> BOUNDARIES = List.of(Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
            Instant.parse("2027-01-01T00:00:00Z"));

    private Connection duck;
    private HistoryQueryBuilder builder;

    @BeforeAll
    void writeLake() throws Exception {
        Path lake = Files.createTempDirectory("lake");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            // 3 hours of one message a minute for two vehicles, and an hour across each boundary.
            StringJoiner starts = new StringJoiner(", ");
            starts.add("(" + T0.toEpochMilli() + ", 180)");
            BOUNDARIES.forEach(b -> starts.add("(" + b.minusSeconds(30 * 60).toEpochMilli() + ", 60)"));
            s.execute("CREATE TABLE t AS SELECT v.vin, start + i * 60000 AS ts, "
                    + "CAST(i AS DOUBLE) AS vehicle_speed, 100.0 - i / 10.0 AS vehicle_powertrain_tractionbattery_stateofcharge_current "
                    + "FROM (VALUES " + starts + ") b(start, n), range(180) r(i), (VALUES ('" + VIN + "'), ('5YJ3E1EA7KF317000')) v(vin) "
                    + "WHERE i < n");
            // Partitions in UTC whatever the session's time zone: epoch_ms is a timestamp without one.
            s.execute("COPY (SELECT *, year(epoch_ms(ts)) AS year, month(epoch_ms(ts)) AS month, "
                    + "day(epoch_ms(ts)) AS day, hour(epoch_ms(ts)) AS hour FROM t) TO '"
                    + lake + "' (FORMAT PARQUET, PARTITION_BY (year, month, day, hour))");
        }
        builder = new HistoryQueryBuilder(COLUMNS, lake + "/**/*.parquet", Dialect.DUCKDB);
    }

    @AfterAll
    void close() throws Exception {
        duck.close();
    }

    private List<long[]> run(SqlQuery q) throws Exception {
        List<long[]> rows = new ArrayList<>();
        try (PreparedStatement ps = duck.prepareStatement(q.sql())) {
            for (int i = 0; i < q.parameters().size(); i++) {
                ps.setObject(i + 1, q.parameters().get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString("vin")).isEqualTo(VIN);
                    rows.add(new long[] {rs.getLong("ts"), (long) rs.getDouble(3)});
                }
            }
        }
        return rows;
    }

    @Test
    void returnsExactlyTheRecordsInRangeInOrder() throws Exception {
        Instant from = T0.plusSeconds(45 * 60);
        Instant to = T0.plusSeconds(95 * 60);
        SqlQuery q = builder.build(new HistoryRequest(VIN, from, to, List.of("Vehicle.Speed"), 1000), null);
        List<long[]> rows = run(q);
        assertThat(rows).hasSize(50);
        assertThat(rows.get(0)[0]).isEqualTo(from.toEpochMilli());
        assertThat(rows.get(49)[0]).isEqualTo(to.toEpochMilli() - 60_000);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i)[0]).isGreaterThan(rows.get(i - 1)[0]);
        }
        assertThat(q.partitions()).isEqualTo(2);
    }

    @Test
    void timesFinerThanAMillisecondRoundUpToTheLakesMilliseconds() throws Exception {
        // Half a millisecond after two rows: the row at from's millisecond is before from (out), the
        // row at to's millisecond is before to (in).
        Instant from = T0.plusSeconds(45 * 60).plusNanos(500_000);
        Instant to = T0.plusSeconds(95 * 60).plusNanos(500_000);
        SqlQuery q = builder.build(new HistoryRequest(VIN, from, to, List.of("Vehicle.Speed"), 1000), null);
        List<long[]> rows = run(q);
        assertThat(rows).hasSize(50);
        assertThat(rows.get(0)[0]).isEqualTo(T0.plusSeconds(46 * 60).toEpochMilli());
        assertThat(rows.get(49)[0]).isEqualTo(T0.plusSeconds(95 * 60).toEpochMilli());
        // Whole milliseconds are kept as they are.
        HistoryRequest whole = new HistoryRequest(VIN, T0.plusMillis(1), T0.plusMillis(2), List.of(), 1);
        assertThat(whole.fromMillis()).isEqualTo(T0.toEpochMilli() + 1);
        assertThat(whole.toMillis()).isEqualTo(T0.toEpochMilli() + 2);
    }

    @Test
    void pagesWithKeysetContinuationWithoutGapsOrRepeats() throws Exception {
        HistoryRequest request = new HistoryRequest(VIN, T0, T0.plusSeconds(3 * 3600), List.of("Vehicle.Speed"), 40);
        List<Long> seen = new ArrayList<>();
        HistoryCursor after = HistoryCursor.START;
        while (true) {
            List<long[]> rows = run(builder.build(request, after));
            boolean more = rows.size() > 40;
            List<long[]> page = more ? rows.subList(0, 40) : rows;
            page.forEach(r -> seen.add(r[0]));
            if (!more) {
                break;
            }
            after = new HistoryCursor(page.get(page.size() - 1)[0], 1, null);
        }
        assertThat(seen).hasSize(180).doesNotHaveDuplicates().isSorted();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-23T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"})
    void aRangeAcrossADayMonthOrYearBoundaryReturnsEveryRecordOnce(String boundary) throws Exception {
        Instant b = Instant.parse(boundary);
        HistoryRequest request = new HistoryRequest(VIN, b.minusSeconds(3600), b.plusSeconds(3600), List.of("Vehicle.Speed"), 7);
        List<Long> seen = new ArrayList<>();
        HistoryCursor at = HistoryCursor.START;
        while (true) {
            List<long[]> rows = run(builder.build(request, at));
            boolean more = rows.size() > 7;
            List<long[]> page = more ? rows.subList(0, 7) : rows;
            page.forEach(r -> seen.add(r[0]));
            if (!more) {
                break;
            }
            at = new HistoryCursor(page.get(page.size() - 1)[0], 1, null);
        }
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            expected.add(b.minusSeconds(30 * 60).toEpochMilli() + i * 60_000L);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aOneHourQueryTouchesOnePartition() {
        Instant hour = Instant.parse("2026-11-22T08:00:00Z");
        assertThat(builder.build(new HistoryRequest(VIN, hour, hour.plusSeconds(3600), List.of(), 10), null).partitions()).isEqualTo(1);
    }

    @Test
    void aPageAfterACursorListsOnlyTheHoursFromTheCursorsHour() {
        Instant to = Instant.parse("2026-12-23T00:00:00Z");
        HistoryRequest month = new HistoryRequest(VIN, to.minus(java.time.Duration.ofDays(31)), to, List.of("Vehicle.Speed"), 10);
        HistoryCursor after = new HistoryCursor(to.minusSeconds(30 * 60).toEpochMilli(), 1, null);
        assertThat(builder.build(month, null).partitions()).isEqualTo(744);
        SqlQuery page = builder.build(month, after);
        assertThat(page.partitions()).isEqualTo(1);
        assertThat(page.sql()).contains("IN ((2026, 12, 22, 23))");
        // A cursor on the last millisecond of an hour: the next row may be in the following hour.
        assertThat(builder.build(month, new HistoryCursor(to.minusSeconds(3600).toEpochMilli() - 1, 1, null)).partitions()).isEqualTo(2);
        // Deterministic per page: Athena's resume check compares the rebuilt SQL and parameters.
        assertThat(builder.build(month, after)).isEqualTo(page);
    }

    @Test
    void injectionAttemptsNeverReachTheEngine() {
        for (String signal : List.of("Vehicle.Speed\" FROM x; --", "vehicle_speed", "Vehicle.Speed UNION SELECT 1", "x".repeat(10_000))) {
            assertThatThrownBy(() -> builder.build(new HistoryRequest(VIN, T0, T0.plusSeconds(60), List.of(signal), 10), null))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("unknown signal");
        }
        assertThatThrownBy(() -> new HistoryRequest("1HGCM82633A00435' OR 1=1 --", T0, T0.plusSeconds(60), List.of(), 10))
                .isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> new HistoryRequest(VIN, T0, T0.minusSeconds(1), List.of(), 10)).hasMessageContaining("before");
        assertThatThrownBy(() -> new HistoryRequest(VIN, T0, T0.plusSeconds(40L * 86400), List.of(), 10)).hasMessageContaining("31 days");
    }

    @Test
    void athenaDialectNamesTheGlueTableAndUsesTheSameParameters() {
        HistoryQueryBuilder athena = new HistoryQueryBuilder(COLUMNS, "\"cms_db\".\"telemetry\"", Dialect.ATHENA);
        SqlQuery q = athena.build(new HistoryRequest(VIN, T0, T0.plusSeconds(600), List.of("Vehicle.Speed"), 10), null);
        assertThat(q.sql()).startsWith("SELECT vin, ts, \"vehicle_speed\" FROM \"cms_db\".\"telemetry\" AS lake WHERE vin = ?");
        assertThat(q.parameters()).containsExactly(VIN, T0.toEpochMilli(), T0.plusSeconds(600).toEpochMilli());
        assertThat(q.sql()).doesNotContain(VIN);
        SqlQuery arrays = athena.build(new HistoryRequest(VIN, T0, T0.plusSeconds(600), List.of("Vehicle.OBD.DTCList"), 10), null);
        assertThat(arrays.sql()).startsWith("SELECT vin, ts, CAST(\"vehicle_obd_dtclist\" AS JSON) AS \"vehicle_obd_dtclist\" FROM")
                .endsWith("ORDER BY ts, lake.\"vehicle_obd_dtclist\" NULLS LAST LIMIT 11");
    }

    @Test
    void partitionsAreAlsoFilteredPerColumnForAthenasPruning() {
        HistoryQueryBuilder athena = new HistoryQueryBuilder(COLUMNS, "\"cms_db\".\"telemetry\"", Dialect.ATHENA);
        Instant from = Instant.parse("2026-12-31T22:30:00Z");
        SqlQuery q = athena.build(new HistoryRequest(VIN, from, from.plusSeconds(3 * 3600), List.of("Vehicle.Speed"), 10), null);
        assertThat(q.sql()).contains("(year, month, day, hour) IN ((2026, 12, 31, 22), (2026, 12, 31, 23), (2027, 1, 1, 0), (2027, 1, 1, 1))"
                + " AND year IN (2026, 2027) AND month IN (1, 12) AND day IN (1, 31) AND hour IN (0, 1, 22, 23) ORDER BY");
    }

    /** {@code duckDbType} groups VSS datatypes by width as Glue's {@link LakeSchema#hiveType} does. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(io.cms.vss.VssDatatype.class)
    void duckDbTypeIsTheHiveTypeOfEveryVssDatatype(io.cms.vss.VssDatatype type) {
        java.util.Map<String, String> duckDbOfHive = java.util.Map.of("boolean", "BOOLEAN", "string", "VARCHAR",
                "float", "FLOAT", "double", "DOUBLE", "int", "INTEGER", "bigint", "BIGINT", "array<string>", "VARCHAR[]");
        assertThat(HistoryQueryBuilder.duckDbType(type)).isEqualTo(duckDbOfHive.get(LakeSchema.hiveType(type)));
    }
}
