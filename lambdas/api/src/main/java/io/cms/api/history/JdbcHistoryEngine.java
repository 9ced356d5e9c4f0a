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
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs history queries over JDBC with prepared statements (the caller's values are bound, never
 * spliced). CMS Local uses it with DuckDB over the lake directory ({@link Dialect#DUCKDB}); the
 * driver comes from the host's classpath, so the Lambda jar does not carry DuckDB.
 *
 * <p>Every query runs on its own connection from the {@link ConnectionSource} (closed after it), so
 * queries run side by side. Each statement gets the time left to its deadline as its query timeout
 * ({@link Statement#setQueryTimeout}, whole seconds rounded up, so the driver cancels it at or just
 * after the deadline); a query that fails once its deadline has passed fails with
 * {@link HistoryQueryCancelledException#deadline}: this engine never returns a pending result and
 * rejects a pending id. {@link #close} refuses new queries and cancels the running ones.
 */
public final class JdbcHistoryEngine implements HistoryEngine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryEngine.class);
    /** How long {@link #close} waits for cancelled queries to stop. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /**
     * How often {@link #close} repeats its cancel while it waits: a driver may ignore a cancel that
     * comes just before its statement starts executing (DuckDB's does).
     */
    private static final long CLOSE_CANCEL_EVERY_MILLIS = 50;
    /** The longest query timeout a statement takes (JDBC's is an int of seconds). */
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(Integer.MAX_VALUE);

    private final ConnectionSource connections;
    private final Clock clock;
    /** Guards {@link #inFlight}, {@link #executing} and {@link #closed}. */
    private final Object lock = new Object();
    private final Set<Statement> executing = new HashSet<>();
    private int inFlight;
    private boolean closed;

    /** An engine on the system clock. */
    public JdbcHistoryEngine(ConnectionSource connections) {
        this(connections, Clock.systemUTC());
    }

    /**
     * @param connections a new connection per query, closed by the engine after it
     * @param clock the clock the callers' deadlines are on
     */
    public JdbcHistoryEngine(ConnectionSource connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    @Override
    public EngineResult run(SqlQuery query, String pendingId, Instant deadline) {
        if (pendingId != null) {
            throw new io.cms.lambda.common.BadInputException("nextToken is not valid");
        }
        if (deadline == null) {
            throw new IllegalArgumentException("a history query needs a deadline");
        }
        Duration allowed = Duration.between(clock.instant(), deadline);
        if (allowed.isNegative() || allowed.isZero()) {
            throw HistoryQueryCancelledException.deadline(null);
        }
        allowed = allowed.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : allowed;
        long stopAtNanos = System.nanoTime() + allowed.toNanos();
        synchronized (lock) {
            if (closed) {
                throw HistoryQueryCancelledException.closing(null);
            }
            inFlight++;
        }
        try {
            return EngineResult.finished(execute(query, HistoryQueryCancelledException.wholeSecondsUp(allowed)));
        } catch (SQLException e) {
            synchronized (lock) {
                if (closed) {
                    throw HistoryQueryCancelledException.closing(e);
                }
            }
            if (System.nanoTime() - stopAtNanos >= 0) {
                throw HistoryQueryCancelledException.deadline(e);
            }
            throw new HistoryQueryFailedException("history query failed: " + e.getMessage(), e);
        } finally {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }
    }

    private List<ObjectNode> execute(SqlQuery query, int timeoutSeconds) throws SQLException {
        try (Connection connection = connections.open(); PreparedStatement ps = connection.prepareStatement(query.sql())) {
            ps.setQueryTimeout(timeoutSeconds);
            for (int i = 0; i < query.parameters().size(); i++) {
                ps.setObject(i + 1, query.parameters().get(i));
            }
            synchronized (lock) {
                if (closed) {
                    throw HistoryQueryCancelledException.closing(null);
                }
                executing.add(ps);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs);
            } finally {
                synchronized (lock) {
                    executing.remove(ps);
                }
            }
        }
    }

    /**
     * Refuses new queries, cancels the running ones and waits (up to 10 s) for them to stop; each
     * fails with {@link HistoryQueryCancelledException}. Does not close the connection source.
     */
    @Override
    public void close() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        synchronized (lock) {
            closed = true;
            try {
                while (inFlight > 0 && end - System.nanoTime() > 0) {
                    executing.forEach(JdbcHistoryEngine::cancel);
                    lock.wait(CLOSE_CANCEL_EVERY_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (inFlight > 0) {
                LOG.warn("{} history queries still running after their cancel", inFlight);
            }
        }
    }

    private static void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            // Closed meanwhile: its query has ended.
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
