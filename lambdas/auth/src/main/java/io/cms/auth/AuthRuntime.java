package io.cms.auth;

import io.cms.lambda.common.EnvConfig;
import java.time.Clock;
import java.time.Duration;

/**
 * Wires the Auth domain from the Lambda environment: {@code IDENTITY_PROVIDER_ID} (required), the
 * {@link ValidatorSettings} variables, {@code AUTHORIZER_TTL_SECONDS} (default 60),
 * {@code CODE_EXCHANGE_TIMEOUT_SECONDS} (default 10) and, optionally, the secret ARNs already
 * resolved from SSM at deploy time ({@code IDP_CONFIG_SECRET_ARN},
 * {@code CODE_FLOW_CONFIG_SECRET_ARN}); without them the ARNs are read from SSM at run time.
 */
public final class AuthRuntime {

    private AuthRuntime() {
    }

    /** The validator of the configured identity provider. */
    public static TokenValidator validator(EnvConfig env, AuthSecrets secrets, Clock clock) {
        return TokenValidator.create(secrets, env.required("IDENTITY_PROVIDER_ID"),
                env.optional("IDP_CONFIG_SECRET_ARN", null), ValidatorSettings.fromEnvironment(env), clock);
    }

    /** The AppSync authorization of the configured identity provider. */
    public static AppSyncAuthorization appSync(EnvConfig env, AuthSecrets secrets, Clock clock) {
        return new AppSyncAuthorization(validator(env, secrets, clock),
                env.seconds("AUTHORIZER_TTL_SECONDS", Duration.ofSeconds(60)), clock);
    }

    /** The code exchange of the configured identity provider. */
    public static AuthorizationCodeExchange codeExchange(EnvConfig env, AuthSecrets secrets, Clock clock) {
        return new AuthorizationCodeExchange(secrets, env.required("IDENTITY_PROVIDER_ID"),
                env.optional("CODE_FLOW_CONFIG_SECRET_ARN", null),
                env.seconds("AUTH_CONFIG_TTL_SECONDS", Duration.ofMinutes(10)),
                env.seconds("CODE_EXCHANGE_TIMEOUT_SECONDS", Duration.ofSeconds(10)), clock);
    }

    /** The SDK-backed secrets for a function reading {@code secretArnVariable} (SSM only when it is unset). */
    public static AwsAuthSecrets secrets(EnvConfig env, String secretArnVariable) {
        return AwsAuthSecrets.fromEnvironment(env.optional(secretArnVariable, null) == null);
    }
}
