package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** Operator mistakes in the resolver's environment fail at start with the variable named. */
class ApiWiringTest {

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1");
        env.put("LATEST_STATE_TABLE", "LatestState");
        env.put("GLUE_DATABASE_NAME", "cms_db");
        env.put("GLUE_TABLE_NAME", "iot-main-stream-glue-schema-table");
        env.put("ATHENA_WORKGROUP", "cms-api-athena-workgroup");
        env.put("NEXT_TOKEN_KEY", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab");
        return env;
    }

    @Test
    void aGeneratedSixtyFourCharacterKeyIsAccepted() {
        assertThat(ApiWiring.tokenKey(env().get("NEXT_TOKEN_KEY"))).hasSize(48);
    }

    @Test
    void theKeyIsReadFromTheSecretNamedInTheEnvironment() {
        Map<String, String> env = env();
        env.remove("NEXT_TOKEN_KEY");
        env.put("NEXT_TOKEN_KEY_SECRET_ARN", SECRET_ARN);
        String key = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab";

        assertThat(new ApiWiring(EnvConfig.of(env)).tokenKey(() -> secrets(arn -> key))).isEqualTo(Base64.getDecoder().decode(key));
    }

    @Test
    void anUnreadableOrEmptySecretIsAConfigurationErrorNamingTheVariable() {
        Map<String, String> env = env();
        env.put("NEXT_TOKEN_KEY_SECRET_ARN", SECRET_ARN);
        ApiWiring wiring = new ApiWiring(EnvConfig.of(env));

        assertThatThrownBy(() -> wiring.tokenKey(() -> secrets(arn -> {
            throw SecretsManagerException.builder().message("User is not authorized to perform GetSecretValue").build();
        }))).isInstanceOf(ConfigurationException.class).hasMessageContaining("NEXT_TOKEN_KEY_SECRET_ARN")
                .hasMessageContaining("not authorized");
        assertThatThrownBy(() -> wiring.tokenKey(() -> secrets(arn -> " "))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holds no string value");
        assertThatThrownBy(() -> wiring.tokenKey(() -> secrets(arn -> "c2hvcnQ="))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 32 bytes");
    }

    @Test
    void withoutAnyKeyTheResolverDoesNotStart() {
        Map<String, String> env = env();
        env.remove("NEXT_TOKEN_KEY");
        assertThatThrownBy(() -> new ApiWiring(EnvConfig.of(env)).tokenKey(() -> {
            throw new AssertionError("no secret to read");
        })).isInstanceOf(ConfigurationException.class).hasMessageContaining("NEXT_TOKEN_KEY_SECRET_ARN");
    }

    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:cms/api/next-token-key-AbCdEf";

    /** A Secrets Manager that answers GetSecretValue for {@link #SECRET_ARN} only. */
    private static SecretsManagerClient secrets(java.util.function.Function<String, String> value) {
        return new SecretsManagerClient() {
            @Override
            public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
                assertThat(request.secretId()).isEqualTo(SECRET_ARN);
                return GetSecretValueResponse.builder().secretString(value.apply(request.secretId())).build();
            }

            @Override
            public String serviceName() {
                return "secretsmanager";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aShortOrNonBase64KeyIsAConfigurationError() {
        assertThatThrownBy(() -> ApiWiring.tokenKey(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> ApiWiring.tokenKey("not base64 at all!")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("NEXT_TOKEN_KEY");
    }

    @Test
    void aGlueNameThatCouldBreakTheTableReferenceIsAConfigurationError() {
        Map<String, String> env = env();
        env.put("GLUE_TABLE_NAME", "t\" UNION SELECT");
        assertThatThrownBy(() -> new ApiWiring(EnvConfig.of(env)).api()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GLUE_TABLE_NAME");
    }

    @Test
    void aBudgetOverTwentyFiveSecondsIsAConfigurationError() {
        Map<String, String> env = env();
        env.put("HISTORY_BUDGET_SECONDS", "29");
        assertThatThrownBy(() -> new ApiWiring(EnvConfig.of(env)).api()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HISTORY_BUDGET_SECONDS");
    }
}
