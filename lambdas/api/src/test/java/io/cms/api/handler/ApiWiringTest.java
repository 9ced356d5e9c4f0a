package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
