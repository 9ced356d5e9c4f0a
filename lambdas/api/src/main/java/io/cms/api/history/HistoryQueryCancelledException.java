package io.cms.api.history;

import java.time.Duration;

/**
 * The engine cancelled a history query: it was still running at its deadline, or the engine was
 * closing. The message is fixed text (never the engine's, which can hold SQL or paths), so the
 * resolver returns it to the caller.
 */
public final class HistoryQueryCancelledException extends HistoryQueryFailedException {

    private static final long serialVersionUID = 1L;

    private final boolean deadline;

    private HistoryQueryCancelledException(String message, Throwable cause, boolean deadline) {
        super(message, cause);
        this.deadline = deadline;
    }

    /**
     * A query that did not finish (or could not start) by its deadline. An engine only knows the
     * deadline, not the budget it came from: the caller that set it names the budget with
     * {@link #within}.
     */
    public static HistoryQueryCancelledException deadline(Throwable cause) {
        return new HistoryQueryCancelledException("history query did not finish by its deadline; narrow the time range",
                cause, true);
    }

    /** A query refused or cancelled because its engine is closing. */
    public static HistoryQueryCancelledException closing(Throwable cause) {
        return new HistoryQueryCancelledException("history query cancelled: the history engine is shutting down", cause, false);
    }

    /**
     * A deadline error worded with the caller's {@code budget} (rounded up to whole seconds), with
     * this one as its cause; any other cancellation is returned unchanged.
     */
    public HistoryQueryCancelledException within(Duration budget) {
        if (!deadline) {
            return this;
        }
        return new HistoryQueryCancelledException("history query did not finish within " + wholeSecondsUp(budget)
                + " s; narrow the time range", this, true);
    }

    /** {@code d} in whole seconds, rounded up, at least 1 (the JDBC query timeout's unit). */
    static int wholeSecondsUp(Duration d) {
        return (int) Math.max(1, d.getSeconds() + (d.getNano() > 0 ? 1 : 0));
    }

    /** The same message without the cause (whose text is the engine's), for the caller. */
    public HistoryQueryCancelledException withoutCause() {
        return new HistoryQueryCancelledException(getMessage(), null, deadline);
    }
}
