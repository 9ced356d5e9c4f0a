package io.cms.local.api;

import io.cms.api.LatestStateStore;
import io.cms.api.VehicleApi;
import io.cms.api.handler.GraphQlResolverHandler;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryTokens;
import io.cms.api.history.JdbcHistoryEngine;
import io.cms.local.pki.SecretFiles;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.Lock;

/**
 * The API module in CMS Local: the same {@link VehicleApi} and resolver as the Lambda, with the
 * latest state in DynamoDB Local and history from DuckDB over the lake's Parquet files instead of
 * Athena. The key signing history page tokens is kept in the data directory, so tokens survive a
 * restart.
 */
public final class LocalVehicleApi implements AutoCloseable {

    /** How long one history call may run before it answers with a resumable token (AppSync allows 30 s). */
    public static final Duration HISTORY_BUDGET = Duration.ofSeconds(20);

    private final Connection duckdb;
    private final GraphQlResolverHandler resolver;

    private LocalVehicleApi(Connection duckdb, GraphQlResolverHandler resolver) {
        this.duckdb = duckdb;
        this.resolver = resolver;
    }

    /**
     * The API over {@code latest} and the Parquet lake under {@code lakeRoot}, whose history queries
     * hold {@code lakeViewReadLock} (the read side of the lock the lake compaction swaps files under).
     */
    public static LocalVehicleApi start(LatestStateStore latest, Path lakeRoot, Path dir, Lock lakeViewReadLock) {
        try {
            Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
            LakeSchema lake = new LakeSchema(VssCatalog.load());
            String parquet = lakeRoot.toAbsolutePath().resolve("parquet").toString() + "/**/*.parquet";
            VehicleApi api = new VehicleApi(latest, lake, new HistoryQueryBuilder(lake, parquet, Dialect.DUCKDB),
                    new LakeViewHistoryEngine(new JdbcHistoryEngine(duckdb), lakeViewReadLock), new HistoryTokens(SecretFiles.loadOrCreate(dir.resolve("history-token.key"), 32)),
                    HISTORY_BUDGET, Clock.systemUTC());
            return new LocalVehicleApi(duckdb, new GraphQlResolverHandler(api));
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB did not start: " + e.getMessage(), e);
        }
    }

    /** The API's resolvers. */
    public GraphQlResolverHandler resolver() {
        return resolver;
    }

    @Override
    public void close() throws SQLException {
        duckdb.close();
    }
}
