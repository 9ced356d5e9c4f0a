package io.cms.api.history;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link JdbcHistoryEngine} gets a connection for one query: a new connection to the same
 * database every call (the engine closes it after the query), so queries never share one.
 */
@FunctionalInterface
public interface ConnectionSource {

    /** A new open connection, owned by the caller. */
    Connection open() throws SQLException;
}
