package io.cms.lambda.common;

/**
 * The function's own configuration (environment, SSM, secrets) is missing or invalid. This is an
 * operator's problem, not a caller's, and maps to a 5xx-style answer.
 */
public class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
