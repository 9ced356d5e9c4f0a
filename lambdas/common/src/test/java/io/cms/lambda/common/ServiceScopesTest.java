package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceScopesTest {

    @Test
    void namesTheAuthSetupServiceResourceServerAndItsScope() {
        assertThat(ServiceScopes.resourceServer("cms")).isEqualTo("cms-service-resource-server");
        assertThat(ServiceScopes.scopeName("cms")).isEqualTo("cms-service");
        assertThat(ServiceScopes.scope("cms")).isEqualTo("cms-service-resource-server/cms-service");
        assertThat(ServiceScopes.scope("fleet-idp")).isEqualTo("fleet-idp-service-resource-server/fleet-idp-service");
    }

    @Test
    void refusesAnIdentityProviderIdThatWouldNotMakeOneScope() {
        for (String bad : new String[] {null, "", "a b", "a/b", "a\"b", "a\\b", "x".repeat(129)}) {
            assertThatThrownBy(() -> ServiceScopes.scope(bad))
                    .as("idp %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("identity provider id");
        }
        assertThatThrownBy(() -> ServiceScopes.resourceServer("a\nforged"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a?forged'");
    }
}
