package io.cms.connectstore.alarm;

/**
 * The alarm could not be delivered after the retries. Thrown out of the handler on purpose, so
 * the asynchronous invocation fails and the event lands in the DLQ instead of vanishing.
 */
public class AlarmDeliveryException extends RuntimeException {

    public AlarmDeliveryException(String message) {
        super(message);
    }

    public AlarmDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
