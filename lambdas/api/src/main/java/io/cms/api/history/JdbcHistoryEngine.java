package io.cms.api.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs history queries over JDBC with prepared statements (the caller's values are bound, never
 * spliced). CMS Local uses it with DuckDB over the lake directory ({@link Dialect#DUCKDB}); the
 * driver comes from the host's classpath, so the Lambda jar does not carry DuckDB.
 *
 * <p>Local queries run to completion (a lake on local disk answers a one-day range in milliseconds),
 * so this engine never returns a pending result and rejects a pending id.
 */
public final class JdbcHistoryEngine implements HistoryEngine {

    private final Connection connection;

    /** @param connection an open connection; used by one query at a time */
    public JdbcHistoryEngine(Connection connection) {
        this.connection = connection;
    }

    @Override
    public EngineResult run(SqlQuery query, String pendingId, Instant deadline) {
        if (pendingId != null) {
            throw new io.cms.lambda.common.BadInputException("nextToken is not valid");
        }
        synchronized (connection) {
            try (PreparedStatement ps = connection.prepareStatement(query.sql())) {
                for (int i = 0; i < query.parameters().size(); i++) {
                    ps.setObject(i + 1, query.parameters().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return EngineResult.finished(rows(rs));
                }
            } catch (SQLException e) {
                throw new HistoryQueryFailedException("history query failed: " + e.getMessage(), e);
            }
        }
    }

    private static List<ObjectNode> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = meta.getColumnLabel(i + 1);
        }
        List<ObjectNode> out = new ArrayList<>();
        while (rs.next()) {
            ObjectNode row = Json.object();
            for (int i = 0; i < n; i++) {
                put(row, names[i], rs.getObject(i + 1));
            }
            out.add(row);
        }
        return out;
    }

    private static void put(ObjectNode row, String name, Object v) throws SQLException {
        if (v == null) {
            row.putNull(name);
        } else if (v instanceof Boolean b) {
            row.put(name, b);
        } else if (v instanceof Integer i) {
            row.put(name, i);
        } else if (v instanceof Long l) {
            row.put(name, l);
        } else if (v instanceof Short s) {
            row.put(name, s.intValue());
        } else if (v instanceof Byte b) {
            row.put(name, b.intValue());
        } else if (v instanceof Float f) {
            row.put(name, f);
        } else if (v instanceof Double d) {
            row.put(name, d);
        } else if (v instanceof BigDecimal d) {
            row.put(name, d);
        } else if (v instanceof Array a) {
            ArrayNode list = row.putArray(name);
            for (Object item : (Object[]) a.getArray()) {
                list.add(item == null ? null : item.toString());
            }
        } else {
            row.put(name, v.toString());
        }
    }
}
