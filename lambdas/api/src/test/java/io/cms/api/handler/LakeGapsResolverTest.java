package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.api.LatestStateStore;
import io.cms.api.VehicleApi;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryEngine;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.api.history.HistoryQueryFailedException;
import io.cms.api.history.HistoryTokens;
import io.cms.api.history.JdbcHistoryEngine;
import io.cms.api.testing.DuckConnections;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History over a CMS Local lake that has no file yet, or files written before a catalog signal
 * existed: an empty page and nulls, as Athena over Glue answers, never an engine error; and an
 * engine failure that reaches the caller without SQL or paths.
 */
class LakeGapsResolverTest {

    static final String VIN = "5YJ3E1EA7KF317000";
    static final LakeSchema LAKE = new LakeSchema(VssCatalog.load());
    static final byte[] KEY = new byte[32];

    @TempDir
    Path lake;

    private static GraphQlResolverHandler resolver(Path lake, HistoryEngine engine) {
        return new GraphQlResolverHandler(new VehicleApi(new LatestStateStore(null, "unused"), LAKE,
                new HistoryQueryBuilder(LAKE, lake.resolve("parquet") + "/**/*.parquet", Dialect.DUCKDB), engine,
                new HistoryTokens(KEY), Duration.ofSeconds(20), Clock.systemUTC()));
    }

    private static JsonNode history(GraphQlResolverHandler resolver, String... signals) {
        var args = Json.object().put("vin", VIN).put("from", "2026-01-01T00:00:00Z").put("to", "2026-01-01T01:00:00Z");
        var list = args.putArray("signals");
        for (String s : signals) {
            list.add(s);
        }
        return resolver.resolve(new AppSyncRequest("Query", "getVehicleHistory", args, null));
    }

    @Test
    void anEmptyLakeGivesAnEmptyPage() throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            GraphQlResolverHandler resolver = resolver(lake, new JdbcHistoryEngine(DuckConnections.of(duck)));
            JsonNode page = history(resolver, "Vehicle.Speed");
            assertThat(page.get("items")).as("no parquet directory yet").isEmpty();
            assertThat(page.get("nextToken").isNull()).isTrue();

            Path hour = Files.createDirectories(lake.resolve("parquet/year=2026/month=1/day=1/hour=0"));
            Files.writeString(hour.resolve(".b.parquet.tmp"), "a file being written");
            page = history(resolver, "Vehicle.Speed", "Vehicle.IsMoving");
            assertThat(page.get("items")).as("only a file being written").isEmpty();
            assertThat(page.get("nextToken").isNull()).isTrue();
        }
    }

    @Test
    void aSignalNoFileHasYetIsNull() throws Exception {
        Path hour = Files.createDirectories(lake.resolve("parquet/year=2026/month=1/day=1/hour=0"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement s = duck.createStatement()) {
                // Written before the catalog had Vehicle.IsMoving: the file has no such column.
                s.execute("COPY (SELECT '" + VIN + "' AS vin, 1767225600000::BIGINT AS ts, 1767225600100::BIGINT AS received_at, "
                        + "1.5::FLOAT AS vehicle_speed) TO '" + hour.resolve("a.parquet") + "' (FORMAT parquet)");
            }
            JsonNode items = history(resolver(lake, new JdbcHistoryEngine(DuckConnections.of(duck))), "Vehicle.Speed", "Vehicle.IsMoving").get("items");
            assertThat(items).hasSize(1);
            assertThat(items.get(0).get("timestamp").asLong()).isEqualTo(1767225600000L);
            assertThat(items.get(0).at("/speed/value").floatValue()).isEqualTo(1.5f);
            assertThat(items.get(0).at("/speed/value").isFloat()).as("typed as in the file").isTrue();
            assertThat(items.get(0).at("/isMoving/value").isNull()).isTrue();
        }
    }

    @Test
    void anEngineFailureReachesTheCallerWithoutSqlOrPaths() throws Exception {
        Files.createDirectories(lake.resolve("parquet/year=2026/month=1/day=1/hour=0"));
        Files.writeString(lake.resolve("parquet/year=2026/month=1/day=1/hour=0/broken.parquet"), "not parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            GraphQlResolverHandler resolver = resolver(lake, new JdbcHistoryEngine(DuckConnections.of(duck)));
            assertThatThrownBy(() -> history(resolver, "Vehicle.Speed"))
                    .isInstanceOf(HistoryQueryFailedException.class)
                    .hasMessage("history query failed; see the function's logs")
                    .satisfies(e -> assertThat(e.getCause()).isNull());
        }
        GraphQlResolverHandler athenaLike = resolver(lake, (query, pendingId, deadline) -> {
            throw new HistoryQueryFailedException("history query 0b7c failed: SYNTAX_ERROR: " + query.sql()
                    + " s3://bucket/parquet/");
        });
        assertThatThrownBy(() -> history(athenaLike, "Vehicle.Speed"))
                .isInstanceOf(HistoryQueryFailedException.class)
                .hasMessage("history query failed; see the function's logs");
    }

    @Test
    void aQueryCancelledAtItsDeadlineReachesTheCallerNamingTheCallsBudget() {
        // However long the engine waited before it started (the lake compaction's swap), the
        // caller learns the budget of the call, not what was left of it.
        GraphQlResolverHandler slow = resolver(lake, (query, pendingId, deadline) -> {
            throw HistoryQueryCancelledException.deadline(
                    new java.sql.SQLException("INTERRUPT Error: Interrupted! " + query.sql()));
        });
        assertThatThrownBy(() -> history(slow, "Vehicle.Speed"))
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query did not finish within 20 s; narrow the time range")
                .satisfies(e -> assertThat(e.getCause()).isNull());
    }
}
