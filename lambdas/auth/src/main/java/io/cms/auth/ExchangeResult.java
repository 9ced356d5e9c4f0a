package io.cms.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a code exchange, the original contract
 * {@code {authenticated, user_tokens, status_code, message}}. {@code toString} hides the tokens.
 */
public record ExchangeResult(boolean authenticated, JsonNode userTokens, int statusCode, String message) {

    static ExchangeResult success(JsonNode tokens) {
        return new ExchangeResult(true, tokens, 200, "Authorization code exchange successful!");
    }

    static ExchangeResult failure(int status, String message) {
        return new ExchangeResult(false, null, status, message);
    }

    /** The Lambda response body. */
    public Map<String, Object> toResponse() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("authenticated", authenticated);
        m.put("user_tokens", userTokens);
        m.put("status_code", statusCode);
        m.put("message", message);
        return m;
    }

    @Override
    public String toString() {
        return "ExchangeResult[authenticated=" + authenticated + ", statusCode=" + statusCode + ", message=" + message + "]";
    }
}
