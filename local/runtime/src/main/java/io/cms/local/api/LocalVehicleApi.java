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
import org.duckdb.DuckDBConnection;

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
    private final JdbcHistoryEngine history;
    private final GraphQlResolverHandler resolver;

    private LocalVehicleApi(Connection duckdb, JdbcHistoryEngine history, GraphQlResolverHandler resolver) {
        this.duckdb = duckdb;
        this.history = history;
        this.resolver = resolver;
    }

    /**
     * The API over {@code latest} and the Parquet lake under {@code lakeRoot}, whose history queries
     * hold {@code lakeViewReadLock} (the read side of the lock the lake compaction swaps files under).
     * Each history query runs on its own connection to one in-memory DuckDB database (a duplicate of
     * the first), so queries run side by side; one still running after {@link #HISTORY_BUDGET} is
     * cancelled and answered with an error that says so.
     */
    public static LocalVehicleApi start(LatestStateStore latest, Path lakeRoot, Path dir, Lock lakeViewReadLock) {
        DuckDBConnection duckdb;
        try {
            duckdb = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB did not start: " + e.getMessage(), e);
        }
        Clock clock = Clock.systemUTC();
        JdbcHistoryEngine history = new JdbcHistoryEngine(duckdb::duplicate, clock);
        try {
            LakeSchema lake = new LakeSchema(VssCatalog.load());
            String parquet = lakeRoot.toAbsolutePath().resolve("parquet").toString() + "/**/*.parquet";
            VehicleApi api = new VehicleApi(latest, lake, new HistoryQueryBuilder(lake, parquet, Dialect.DUCKDB),
                    new LakeViewHistoryEngine(history, lakeViewReadLock, clock),
                    new HistoryTokens(SecretFiles.loadOrCreate(dir.resolve("history-token.key"), 32)), HISTORY_BUDGET, clock);
            return new LocalVehicleApi(duckdb, history, new GraphQlResolverHandler(api));
        } catch (RuntimeException e) {
            history.close();
            try {
                duckdb.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The API's resolvers. */
    public GraphQlResolverHandler resolver() {
        return resolver;
    }

    /**
     * Cancels the running history queries (their callers get an error saying the engine is shutting
     * down), refuses new ones and closes DuckDB.
     */
    @Override
    public void close() throws SQLException {
        try {
            history.close();
        } finally {
            duckdb.close();
        }
    }
}
