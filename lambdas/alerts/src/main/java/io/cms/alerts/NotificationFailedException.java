package io.cms.alerts;

/**
 * A downstream messaging call (publish, subscribe, unsubscribe) failed. The message is safe to show
 * a caller; the cause is kept for the logs.
 */
public class NotificationFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NotificationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
