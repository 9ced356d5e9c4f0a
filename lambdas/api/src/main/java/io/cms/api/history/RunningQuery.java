package io.cms.api.history;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * One query of {@link JdbcHistoryEngine} while it runs: its statement, when it must stop and why it
 * was cancelled. {@link #cancel} may be called from the watchdog any number of times until
 * {@link #end}: a driver can ignore a cancel that comes before its statement starts executing, so
 * the watchdog repeats it; none reaches the statement after {@link #end}.
 */
final class RunningQuery {

    enum Reason { DEADLINE, CLOSING }

    private final long stopAtNanos;
    private Statement statement;
    private Reason reason;
    private boolean ended;

    /** @param stopAtNanos the {@link System#nanoTime()} at which the query is cancelled */
    RunningQuery(long stopAtNanos) {
        this.stopAtNanos = stopAtNanos;
    }

    boolean pastDeadline(long nowNanos) {
        return nowNanos - stopAtNanos >= 0;
    }

    /** Registers the statement about to execute; refused when the query was cancelled already. */
    synchronized void attach(Statement statement) throws SQLException {
        if (reason != null) {
            throw new SQLException("cancelled before it ran (" + reason + ")");
        }
        this.statement = statement;
    }

    /** Asks the statement (if any, and while the query has not ended) to stop. */
    synchronized void cancel(Reason why) {
        if (ended) {
            return;
        }
        if (reason == null) {
            reason = why;
        }
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException e) {
                // Closed or not cancellable now: the watchdog tries again until the query ends.
            }
        }
    }

    /** The query stopped (before its statement is closed); no cancel reaches the statement after. */
    synchronized void end() {
        ended = true;
        statement = null;
    }

    /** Why the query was cancelled, or null when it was not. */
    synchronized Reason reason() {
        return reason;
    }
}
