package io.cms.auth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.auth.AuthRuntime;
import io.cms.auth.AuthorizationCodeExchange;
import io.cms.auth.ExchangeResult;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code {app}-auth-authorization-code-exchange}: input {@code {AuthorizationCode, RedirectUri,
 * CodeVerifier}} (PKCE is required), output {@code {authenticated, user_tokens, status_code, message}}.
 */
public final class AuthorizationCodeExchangeHandler implements RequestStreamHandler {

    private final AuthorizationCodeExchange exchange;

    public AuthorizationCodeExchangeHandler() {
        this(environment());
    }

    public AuthorizationCodeExchangeHandler(AuthorizationCodeExchange exchange) {
        this.exchange = exchange;
    }

    private static AuthorizationCodeExchange environment() {
        EnvConfig env = EnvConfig.fromSystem();
        return AuthRuntime.codeExchange(env, AuthRuntime.secrets(env, "CODE_FLOW_CONFIG_SECRET_ARN"), Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(handle(input).toResponse()).getBytes(StandardCharsets.UTF_8));
    }

    ExchangeResult handle(InputStream input) {
        JsonNode event;
        try {
            event = Json.parse(input);
        } catch (BadInputException e) {
            return new ExchangeResult(false, null, 400, e.getMessage());
        }
        if (!event.isObject()) {
            return new ExchangeResult(false, null, 400, "the event must be a JSON object");
        }
        return exchange.exchange(text(event, "AuthorizationCode"), text(event, "RedirectUri"), text(event, "CodeVerifier"));
    }

    private static String text(JsonNode event, String field) {
        JsonNode v = event.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
