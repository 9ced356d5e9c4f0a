package io.cms.local.oidc;

/** An RFC 6749 error response: the {@code error} code, a description and the HTTP status. */
final class OAuthError extends Exception {

    private final int status;
    private final String code;

    OAuthError(int status, String code, String description) {
        super(description);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
