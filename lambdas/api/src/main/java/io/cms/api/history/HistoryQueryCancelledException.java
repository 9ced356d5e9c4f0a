package io.cms.api.history;

import java.time.Duration;

/**
 * The engine cancelled a history query: it was still running at its deadline, or the engine was
 * closing. The message is fixed text (never the engine's, which can hold SQL or paths), so the
 * resolver returns it to the caller.
 */
public final class HistoryQueryCancelledException extends HistoryQueryFailedException {

    private static final long serialVersionUID = 1L;

    private HistoryQueryCancelledException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A query that did not finish within {@code allowed} (rounded up to whole seconds). */
    public static HistoryQueryCancelledException deadline(Duration allowed, Throwable cause) {
        long seconds = Math.max(0, allowed.plusNanos(999_999_999L).getSeconds());
        return new HistoryQueryCancelledException(seconds == 0
                ? "history query reached its deadline before it could run; try again or narrow the time range"
                : "history query did not finish within " + seconds + " s; narrow the time range", cause);
    }

    /** A query refused or cancelled because its engine is closing. */
    public static HistoryQueryCancelledException closing(Throwable cause) {
        return new HistoryQueryCancelledException("history query cancelled: the history engine is shutting down", cause);
    }

    /** The same message without the cause (whose text is the engine's), for the caller. */
    public HistoryQueryCancelledException withoutCause() {
        return new HistoryQueryCancelledException(getMessage(), null);
    }
}
