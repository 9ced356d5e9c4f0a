package io.cms.cli.local;

/**
 * A call to a CMS Local API failed on the server's or the transport's side (an answer that is not
 * the API's JSON, an unexpected HTTP status): not the operator's arguments. {@code cms} prints the
 * message and exits with {@link io.cms.cli.ExitCodes#FAILURE}.
 */
public final class ApiCallFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ApiCallFailedException(String message) {
        super(message);
    }

    public ApiCallFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
