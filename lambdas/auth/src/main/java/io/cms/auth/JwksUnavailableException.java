package io.cms.auth;

/** The signing keys could not be fetched (the issuer's fault or the network's, never the caller's): a 500. */
public class JwksUnavailableException extends RuntimeException {

    public JwksUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public JwksUnavailableException(String message) {
        super(message);
    }
}
