package io.cms.api.history;

/** The engine ran the query and it failed (not the caller's input): surfaces as a GraphQL error. */
public class HistoryQueryFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HistoryQueryFailedException(String message) {
        super(message);
    }

    public HistoryQueryFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
