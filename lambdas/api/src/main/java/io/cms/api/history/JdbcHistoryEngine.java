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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs history queries over JDBC with prepared statements (the caller's values are bound, never
 * spliced). CMS Local uses it with DuckDB over the lake directory ({@link Dialect#DUCKDB}); the
 * driver comes from the host's classpath, so the Lambda jar does not carry DuckDB.
 *
 * <p>Every query runs on its own connection from the {@link ConnectionSource} (closed after it), so
 * queries run side by side. A query still running at its deadline is cancelled
 * ({@link java.sql.Statement#cancel}) and fails with {@link HistoryQueryCancelledException}: this
 * engine never returns a pending result and rejects a pending id. {@link #close} refuses new
 * queries and cancels the running ones.
 */
public final class JdbcHistoryEngine implements HistoryEngine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryEngine.class);
    /** How often the watchdog checks running queries against their deadline. */
    private static final long WATCH_EVERY_MILLIS = 50;
    /** How long {@link #close} waits for cancelled queries to stop. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final ConnectionSource connections;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Set<RunningQuery> running = new HashSet<>();
    private volatile boolean closed;

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
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jdbc-history-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        watchdog.setKeepAliveTime(10, TimeUnit.SECONDS);
        watchdog.allowCoreThreadTimeOut(true);
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
            throw HistoryQueryCancelledException.deadline(Duration.ZERO, null);
        }
        RunningQuery q = new RunningQuery(System.nanoTime() + allowed.toNanos());
        ScheduledFuture<?> watch = start(q);
        try {
            return EngineResult.finished(execute(query, q));
        } catch (SQLException e) {
            RunningQuery.Reason why = q.reason();
            if (why == RunningQuery.Reason.DEADLINE) {
                throw HistoryQueryCancelledException.deadline(allowed, e);
            }
            if (why == RunningQuery.Reason.CLOSING) {
                throw HistoryQueryCancelledException.closing(e);
            }
            throw new HistoryQueryFailedException("history query failed: " + e.getMessage(), e);
        } finally {
            watch.cancel(false);
            synchronized (running) {
                running.remove(q);
                running.notifyAll();
            }
        }
    }

    private ScheduledFuture<?> start(RunningQuery q) {
        synchronized (running) {
            if (closed) {
                throw HistoryQueryCancelledException.closing(null);
            }
            running.add(q);
            return watchdog.scheduleWithFixedDelay(() -> {
                if (closed) {
                    q.cancel(RunningQuery.Reason.CLOSING);
                } else if (q.pastDeadline(System.nanoTime())) {
                    q.cancel(RunningQuery.Reason.DEADLINE);
                }
            }, WATCH_EVERY_MILLIS, WATCH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private List<ObjectNode> execute(SqlQuery query, RunningQuery q) throws SQLException {
        try (Connection connection = connections.open(); PreparedStatement ps = connection.prepareStatement(query.sql())) {
            try {
                q.attach(ps);
                for (int i = 0; i < query.parameters().size(); i++) {
                    ps.setObject(i + 1, query.parameters().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rows(rs);
                }
            } finally {
                q.end();
            }
        }
    }

    /**
     * Refuses new queries, cancels the running ones and waits (up to 10 s) for them to stop; each
     * fails with {@link HistoryQueryCancelledException}. Does not close the connection source.
     */
    @Override
    public void close() {
        List<RunningQuery> cancelled;
        synchronized (running) {
            closed = true;
            cancelled = new ArrayList<>(running);
        }
        cancelled.forEach(q -> q.cancel(RunningQuery.Reason.CLOSING));
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        synchronized (running) {
            try {
                while (!running.isEmpty() && end - System.nanoTime() > 0) {
                    running.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!running.isEmpty()) {
                LOG.warn("{} history queries still running after their cancel", running.size());
            }
        }
        watchdog.shutdownNow();
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
