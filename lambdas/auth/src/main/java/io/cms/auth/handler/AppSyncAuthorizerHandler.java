package io.cms.auth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.AuthRuntime;
import io.cms.auth.LightJson;
import io.cms.lambda.common.EnvConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
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
        this(environment());
    }

    public AppSyncAuthorizerHandler(AppSyncAuthorization authorization) {
        this.authorization = authorization;
    }

    private static AppSyncAuthorization environment() {
        EnvConfig env = EnvConfig.fromSystem();
        return AuthRuntime.appSync(env, AuthRuntime.secrets(env, "IDP_CONFIG_SECRET_ARN"), Clock.systemUTC());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(LightJson.write(handle(input)).getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Object> handle(InputStream input) throws IOException {
        String token;
        try {
            token = LightJson.readObject(input).get("authorizationToken") instanceof String s ? s : null;
        } catch (ParseException e) {
            token = null;
        }
        return authorization.authorize(token);
    }
}
