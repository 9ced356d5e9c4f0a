package io.cms.auth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.AuthRuntime;
import io.cms.auth.AwsAuthSecrets;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The AppSync Lambda authorizer shared by the API and Alerts GraphQL APIs: reads
 * {@code authorizationToken} ({@code Bearer <JWT>}) and answers {@code isAuthorized},
 * {@code resolverContext}, {@code deniedFields} and {@code ttlOverride} (see {@link AppSyncAuthorization}).
 */
public final class AppSyncAuthorizerHandler implements RequestStreamHandler {

    private final AppSyncAuthorization authorization;

    public AppSyncAuthorizerHandler() {
        this(AuthRuntime.appSync(EnvConfig.fromSystem(), AwsAuthSecrets.fromEnvironment(), Clock.systemUTC()));
    }

    public AppSyncAuthorizerHandler(AppSyncAuthorization authorization) {
        this.authorization = authorization;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(handle(input)).getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Object> handle(InputStream input) {
        String token = null;
        try {
            JsonNode event = Json.parse(input);
            JsonNode value = event.get("authorizationToken");
            token = value != null && value.isTextual() ? value.asText() : null;
        } catch (BadInputException e) {
            token = null;
        }
        return authorization.authorize(token);
    }
}
