package io.cms.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a validation: the original contract {@code {validated, status_code, message}}
 * plus, on success, the verified claims (for the authorizer; never serialised).
 */
public record ValidationResult(boolean validated, int statusCode, String message, JWTClaimsSet claims) {

    public static final String SUCCESS_MESSAGE = "Token validation successful!";

    static ValidationResult valid(JWTClaimsSet claims) {
        return new ValidationResult(true, 200, SUCCESS_MESSAGE, claims);
    }

    /** A bad token: 401. */
    static ValidationResult invalid(String reason) {
        return new ValidationResult(false, 401, "Could not validate token: " + reason, null);
    }

    /** Configuration or keys unavailable: 500. */
    static ValidationResult unavailable(String reason) {
        return new ValidationResult(false, 500, "Token validation unavailable: " + reason, null);
    }

    /** A malformed request (no token field): 400. */
    public static ValidationResult badRequest(String reason) {
        return new ValidationResult(false, 400, "Bad request: " + reason, null);
    }

    /** The Lambda response body. */
    public Map<String, Object> toResponse() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validated", validated);
        m.put("status_code", statusCode);
        m.put("message", message);
        return m;
    }
}
