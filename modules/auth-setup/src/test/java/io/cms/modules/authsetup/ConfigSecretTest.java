package io.cms.modules.authsetup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSecretTest {

    @Test
    void secretNamesAreTheOriginalOnesKeyedByTheIdentityProvider() {
        assertThat(ConfigSecret.IDP_CONFIG.secretName("fleet")).isEqualTo("/solution/auth/fleet/idp-config");
        assertThat(ConfigSecret.SERVICE_CLIENT_CONFIG.secretName("fleet")).isEqualTo("/solution/auth/fleet/client-config/default");
        assertThat(ConfigSecret.AUTHORIZATION_CODE_FLOW_CONFIG.secretName("fleet"))
                .isEqualTo("/solution/auth/fleet/authorization-code-flow/config");
    }

    @Test
    void arnParametersAreTheSecretNamePlusSecretArn() {
        assertThat(ConfigSecret.IDP_CONFIG.arnParameterName("cms")).isEqualTo("/solution/auth/cms/idp-config/secret/arn");
        assertThat(ConfigSecret.SERVICE_CLIENT_CONFIG.arnParameterName("cms"))
                .isEqualTo("/solution/auth/cms/client-config/default/secret/arn");
        assertThat(ConfigSecret.AUTHORIZATION_CODE_FLOW_CONFIG.arnParameterName("cms"))
                .isEqualTo("/solution/auth/cms/authorization-code-flow/config/secret/arn");
    }

    @Test
    void emptyContentKeepsEveryKeyWithListsForAudiencesAndScopes() {
        assertThat(ConfigSecret.IDP_CONFIG.emptyContent()).containsExactly(
                Map.entry("iss_domain", ""), Map.entry("alternate_aud_key", ""),
                Map.entry("auds", List.of()), Map.entry("scopes", List.of()));
        assertThat(ConfigSecret.SERVICE_CLIENT_CONFIG.emptyContent()).containsExactly(
                Map.entry("token_endpoint", ""), Map.entry("client_id", ""), Map.entry("client_secret", ""),
                Map.entry("audience", ""));
        assertThat(ConfigSecret.AUTHORIZATION_CODE_FLOW_CONFIG.emptyContent()).containsExactly(
                Map.entry("token_endpoint", ""), Map.entry("client_id", ""), Map.entry("client_secret", ""));
    }
}
