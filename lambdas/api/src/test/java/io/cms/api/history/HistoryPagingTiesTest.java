package io.cms.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.Page;
import io.cms.api.VehicleApi;
import io.cms.api.testing.DuckConnections;
import io.cms.api.testing.DuckDbAthena;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Paging through rows that share a millisecond: every row exactly once, in order, for any page size. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryPagingTiesTest {

    static final String VIN = "1HGCM82633A004352";
    static final Instant T0 = Instant.parse("2026-11-22T07:59:59.998Z");
    static final LakeSchema LAKE = new LakeSchema(VssCatalog.load());
    static final List<String> SIGNALS = List.of("Vehicle.Speed", "Vehicle.IsMoving");
    /** (ms after T0, speed, moving): ties of 2, 3 and 2 rows, one pair identical in every value, across an hour boundary. */
    static final String ROWS = "(0, 3.0, true), (0, 1.0, NULL), (1, 2.0, false), (1, 2.0, false), (1, 1.0, true), "
            + "(2, 5.0, NULL), (2, 4.0, true)";
    /** The rows in the total order: ts, then the signal columns, nulls last. */
    static final List<String> EXPECTED = List.of("0 1.0 null", "0 3.0 true", "1 1.0 true", "1 2.0 false", "1 2.0 false",
            "2 4.0 true", "2 5.0 null");

    private Connection duck;
    private Path lake;

    @BeforeAll
    void lake() throws Exception {
        lake = Files.createTempDirectory("ties-lake");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT v.vin, " + T0.toEpochMilli() + " + d AS ts, "
                    + "CAST(speed AS FLOAT) AS vehicle_speed, moving AS vehicle_ismoving "
                    + "FROM (VALUES " + ROWS + ") r(d, speed, moving), (VALUES ('" + VIN + "'), ('5YJ3E1EA7KF317000')) v(vin)");
            // Written in reverse so the files' own order is not the answer.
            s.execute("COPY (SELECT *, year(epoch_ms(ts)) AS year, month(epoch_ms(ts)) AS month, day(epoch_ms(ts)) AS day, "
                    + "hour(epoch_ms(ts)) AS hour FROM t ORDER BY ts DESC, vehicle_speed) TO '" + lake
                    + "' (FORMAT PARQUET, PARTITION_BY (year, month, day, hour))");
            s.execute("CREATE SCHEMA cms");
            s.execute("CREATE VIEW cms.telemetry AS SELECT * FROM read_parquet('" + lake + "/**/*.parquet', hive_partitioning = true)");
        }
    }

    @AfterAll
    void close() throws Exception {
        duck.close();
    }

    private VehicleApi api(boolean athena) {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);
        HistoryQueryBuilder builder = athena ? new HistoryQueryBuilder(LAKE, "\"cms\".\"telemetry\"", Dialect.ATHENA)
                : new HistoryQueryBuilder(LAKE, lake + "/**/*.parquet", Dialect.DUCKDB);
        HistoryEngine engine = athena ? new AthenaHistoryEngine(new DuckDbAthena(duck), "cms-wg", Duration.ofMillis(1), clock, d -> { })
                : new JdbcHistoryEngine(DuckConnections.of(duck), clock);
        return new VehicleApi(new LatestStateStore(null, "unused"), LAKE, builder, engine,
                new HistoryTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(20), clock);
    }

    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, false", "1, true", "2, true", "3, true"})
    void everyRowExactlyOnceInOrder(int limit, boolean athena) {
        VehicleApi api = api(athena);
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Page<ObjectNode> page = api.getVehicleHistory(VIN, T0.toString(), T0.plusSeconds(1).toString(), SIGNALS, limit, token);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            for (ObjectNode item : page.items()) {
                JsonNode moving = item.get("isMoving").get("value");
                seen.add((item.get("timestamp").asLong() - T0.toEpochMilli()) + " " + item.get("speed").get("value").asDouble()
                        + " " + (moving.isNull() ? "null" : moving.asText()));
            }
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 20);
        assertThat(seen).containsExactlyElementsOf(EXPECTED);
    }
}
