package io.cms.alerts;

/** The resource named by the caller does not exist (or no longer exists). */
public class NotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
