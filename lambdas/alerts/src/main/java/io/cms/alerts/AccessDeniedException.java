package io.cms.alerts;

/** The caller is authenticated but may not act on the resource named (for example another user's email). */
public class AccessDeniedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(message);
    }
}
