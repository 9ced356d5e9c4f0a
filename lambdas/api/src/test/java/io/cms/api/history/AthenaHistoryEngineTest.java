package io.cms.api.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.Page;
import io.cms.api.VehicleApi;
import io.cms.api.testing.DuckConnections;
import io.cms.api.testing.DuckDbAthena;
import io.cms.lambda.common.BadInputException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Athena engine against Athena's API semantics (over DuckDB), compared with the DuckDB engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AthenaHistoryEngineTest {

    static final String VIN = "1HGCM82633A004352";
    static final Instant T0 = Instant.parse("2026-11-22T07:30:00Z");
    static final LakeSchema LAKE = new LakeSchema(VssCatalog.load());
    static final List<String> SIGNALS = List.of("Vehicle.Speed", "Vehicle.OBD.DTCList", "Vehicle.IsMoving");

    private Connection duck;
    private DuckDbAthena athena;
    private HistoryQueryBuilder athenaSql;
    private HistoryQueryBuilder duckSql;

    /** A clock the engine's waits advance, so no test sleeps. */
    static final class SteppedClock extends Clock {
        Instant now = Instant.parse("2026-11-23T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SteppedClock clock = new SteppedClock();

    @BeforeAll
    void lake() throws Exception {
        Path lake = Files.createTempDirectory("athena-lake");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT v.vin, " + T0.toEpochMilli() + " + i * 60000 AS ts, "
                    + "CAST(i / 10.0 AS FLOAT) AS vehicle_speed, "
                    + "CASE WHEN i % 3 = 0 THEN NULL ELSE ['P0A80, pending', 'U0100'] END AS vehicle_obd_dtclist, "
                    + "CASE WHEN i % 4 = 0 THEN NULL ELSE i % 2 = 0 END AS vehicle_ismoving "
                    + "FROM range(150) r(i), (VALUES ('" + VIN + "'), ('5YJ3E1EA7KF317000')) v(vin)");
            s.execute("COPY (SELECT *, year(to_timestamp(ts / 1000) AT TIME ZONE 'UTC') AS year, "
                    + "month(to_timestamp(ts / 1000) AT TIME ZONE 'UTC') AS month, day(to_timestamp(ts / 1000) AT TIME ZONE 'UTC') AS day, "
                    + "hour(to_timestamp(ts / 1000) AT TIME ZONE 'UTC') AS hour FROM t) TO '" + lake
                    + "' (FORMAT PARQUET, PARTITION_BY (year, month, day, hour))");
            s.execute("CREATE SCHEMA cms");
            s.execute("CREATE VIEW cms.telemetry AS SELECT * FROM read_parquet('" + lake + "/**/*.parquet', hive_partitioning = true)");
        }
        athena = new DuckDbAthena(duck);
        athenaSql = new HistoryQueryBuilder(LAKE, "\"cms\".\"telemetry\"", Dialect.ATHENA);
        duckSql = new HistoryQueryBuilder(LAKE, lake + "/**/*.parquet", Dialect.DUCKDB);
    }

    @AfterAll
    void close() throws Exception {
        duck.close();
    }

    private AthenaHistoryEngine engine() {
        return new AthenaHistoryEngine(athena, "cms-wg", Duration.ofMillis(100), clock, d -> clock.now = clock.now.plus(d));
    }

    private HistoryRequest request(int limit) {
        return new HistoryRequest(VIN, T0.plusSeconds(10 * 60), T0.plusSeconds(140 * 60), SIGNALS, limit);
    }

    @Test
    void athenaAndDuckDbGiveTheSameTypedRows() {
        athena.runningChecks = 3;
        List<ObjectNode> fromAthena = engine().run(athenaSql.build(request(1000), null), null, clock.instant().plusSeconds(20)).rows();
        List<ObjectNode> fromDuck = new JdbcHistoryEngine(DuckConnections.of(duck), clock).run(duckSql.build(request(1000), null), null, clock.instant().plusSeconds(20)).rows();
        assertThat(fromAthena).hasSize(130).isEqualTo(fromDuck);
        ObjectNode first = fromAthena.get(0);
        assertThat(first.get("ts").isLong()).isTrue();
        assertThat(first.get("vehicle_speed").isFloat()).isTrue();
        // Athena's array text "[P0A80, pending, U0100]" cannot be split back; its JSON can be parsed.
        assertThat(fromAthena.get(1).get("vehicle_obd_dtclist")).hasSize(2);
        assertThat(fromAthena.get(1).get("vehicle_obd_dtclist").get(0).asText()).isEqualTo("P0A80, pending");
        assertThat(fromAthena.get(1).get("vehicle_obd_dtclist").get(1).asText()).isEqualTo("U0100");
        assertThat(fromAthena.get(2).get("vehicle_ismoving").isNull()).as("i = 12: null, not false").isTrue();
        assertThat(fromAthena.get(2).get("vehicle_obd_dtclist").isNull()).isTrue();
    }

    @Test
    void aQueryStillRunningAtTheDeadlineResumesThroughTheNextToken() {
        athena.runningChecks = 1_000_000;
        VehicleApi api = new VehicleApi(new LatestStateStore(null, "unused"), LAKE, athenaSql, engine(),
                new HistoryTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(20), clock);
        Instant started = clock.instant();
        Page<ObjectNode> pending = api.getVehicleHistory(VIN, T0.toString(), T0.plusSeconds(3600).toString(), SIGNALS, 100, null);
        assertThat(pending.items()).isEmpty();
        assertThat(pending.nextToken()).isNotNull();
        assertThat(Duration.between(started, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(20));

        athena.finishAll();
        List<Long> seen = new ArrayList<>();
        String token = pending.nextToken();
        int calls = 0;
        while (token != null) {
            Page<ObjectNode> page = api.getVehicleHistory(VIN, T0.toString(), T0.plusSeconds(3600).toString(), SIGNALS, 100, token);
            page.items().forEach(i -> seen.add(i.get("timestamp").asLong()));
            token = page.nextToken();
            calls++;
        }
        assertThat(seen).hasSize(60).isSorted().doesNotHaveDuplicates();
        assertThat(calls).isEqualTo(1);
    }

    @Test
    void resumingWithTheIdOfAnotherQueryIsRefused() {
        athena.runningChecks = 1_000_000;
        SqlQuery mine = athenaSql.build(request(10), null);
        SqlQuery other = athenaSql.build(new HistoryRequest("5YJ3E1EA7KF317000", T0, T0.plusSeconds(60), SIGNALS, 10), null);
        String otherId = engine().run(other, null, clock.instant().plusSeconds(1)).pendingId();
        assertThat(otherId).isNotNull();
        assertThatThrownBy(() -> engine().run(mine, otherId, clock.instant().plusSeconds(1)))
                .isInstanceOf(BadInputException.class).hasMessage("nextToken is not valid");
        assertThatThrownBy(() -> engine().run(mine, "00000000-0000-0000-0000-000000000000", clock.instant().plusSeconds(1)))
                .isInstanceOf(BadInputException.class).hasMessage("nextToken is not valid");
    }

    @Test
    void aFailedQueryIsAnErrorNotAnEmptyResult() {
        athena.runningChecks = 0;
        HistoryQueryBuilder missing = new HistoryQueryBuilder(LAKE, "\"cms\".\"no_such_table\"", Dialect.ATHENA);
        assertThatThrownBy(() -> engine().run(missing.build(request(10), null), null, clock.instant().plusSeconds(5)))
                .isInstanceOf(HistoryQueryFailedException.class).hasMessageContaining("failed");
    }

    @Test
    void executionParametersAreLiteralsWithQuotesDoubled() {
        assertThat(AthenaHistoryEngine.executionParameters(List.of("it's", 5L, 7))).containsExactly("'it''s'", "5", "7");
    }

    @Test
    void resultPagesAreAllRead() {
        athena.runningChecks = 0;
        HistoryRequest wide = new HistoryRequest(VIN, T0, T0.plusSeconds(150 * 60), SIGNALS, 1000);
        JsonNode last = engine().run(athenaSql.build(wide, null), null, clock.instant().plusSeconds(5)).rows().get(149);
        assertThat(last.get("ts").asLong()).isEqualTo(T0.toEpochMilli() + 149 * 60_000L);
    }
}
