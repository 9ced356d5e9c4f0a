package io.cms.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublishScopesTest {

    @Test
    void withoutPublishScopesThePublishFunctionIsRefusedNamingTheVariable() {
        // Without PUBLISH_SCOPES every token the authorizer accepts could raise alarms; refuse to start instead.
        assertThatThrownBy(() -> PublishScopes.from(EnvConfig.of(Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLISH_SCOPES");
        assertThatThrownBy(() -> PublishScopes.from(EnvConfig.of(Map.of("PUBLISH_SCOPES", " , "))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLISH_SCOPES");
        assertThatThrownBy(() -> new PublishScopes(null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLISH_SCOPES");
    }

    @Test
    void readsSeveralPublishScopesAndAdmitsACallerHoldingOne() {
        PublishScopes scopes = PublishScopes.from(EnvConfig.of(Map.of("PUBLISH_SCOPES", "a/service, b/publish")));
        assertThat(scopes.scopes()).containsExactlyInAnyOrder("a/service", "b/publish");
        assertThat(scopes.admit(Set.of("openid", "b/publish"))).isTrue();
        assertThat(scopes.admit(Set.of("openid", "a/user"))).isFalse();
        assertThat(scopes.admit(Set.of())).isFalse();
    }

    @Test
    void refusesAnEntryThatIsNoScopeQuotingItHarmlessly() {
        assertThatThrownBy(() -> PublishScopes.from(EnvConfig.of(Map.of("PUBLISH_SCOPES", "a/service b/publish"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLISH_SCOPES entry 'a/service b/publish'");
        assertThatThrownBy(() -> new PublishScopes(Set.of("a/\nforged")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'a/?forged'");
    }
}
