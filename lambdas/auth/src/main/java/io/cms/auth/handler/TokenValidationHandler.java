package io.cms.auth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.auth.AuthRuntime;
import io.cms.auth.LightJson;
import io.cms.auth.TokenValidator;
import io.cms.auth.ValidationResult;
import io.cms.lambda.common.EnvConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Map;

/**
 * {@code {app}-auth-token-validation}: input {@code {"Token": "<JWT>"}}, output
 * {@code {validated, status_code, message}}. A malformed event is a 400 answer, a bad token a 401,
 * never an invocation error.
 */
public final class TokenValidationHandler implements RequestStreamHandler {

    private final TokenValidator validator;

    public TokenValidationHandler() {
        this(environment());
    }

    public TokenValidationHandler(TokenValidator validator) {
        this.validator = validator;
    }

    private static TokenValidator environment() {
        EnvConfig env = EnvConfig.fromSystem();
        return AuthRuntime.validator(env, AuthRuntime.secrets(env, "IDP_CONFIG_SECRET_ARN"), Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(LightJson.write(handle(input).toResponse()).getBytes(StandardCharsets.UTF_8));
    }

    ValidationResult handle(InputStream input) throws IOException {
        Map<String, Object> event;
        try {
            event = LightJson.readObject(input);
        } catch (ParseException e) {
            return ValidationResult.badRequest("the event must be a JSON object with a string field 'Token' ("
                    + e.getMessage() + ")");
        }
        if (!(event.get("Token") instanceof String token)) {
            return ValidationResult.badRequest("the event must be a JSON object with a string field 'Token'");
        }
        return validator.validate(token);
    }
}
