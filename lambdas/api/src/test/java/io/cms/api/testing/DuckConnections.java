package io.cms.api.testing;

import io.cms.api.history.ConnectionSource;
import java.sql.Connection;
import org.duckdb.DuckDBConnection;

/** Connections for {@code JdbcHistoryEngine} in tests: each a duplicate of one DuckDB connection (same database). */
public final class DuckConnections {

    private DuckConnections() {
    }

    /** A new connection to {@code duck}'s database per call; {@code duck} stays open. */
    public static ConnectionSource of(Connection duck) {
        return () -> duck.unwrap(DuckDBConnection.class).duplicate();
    }
}
