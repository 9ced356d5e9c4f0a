package io.cms.lambda.common;

/**
 * Input that a handler refuses: a malformed event, payload or parameter. Always carries a message
 * a caller can act on; handlers map it to a 4xx-style answer, never to a crash.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
