package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AuthSetupScopesTest {

    @Test
    void namesTheAuthSetupServiceResourceServerAndItsScope() {
        assertThat(AuthSetupScopes.serviceResourceServer("cms")).isEqualTo("cms-service-resource-server");
        assertThat(AuthSetupScopes.serviceScopeName("cms")).isEqualTo("cms-service");
        assertThat(AuthSetupScopes.serviceScope("cms")).isEqualTo("cms-service-resource-server/cms-service");
        assertThat(AuthSetupScopes.serviceScope("fleet-idp")).isEqualTo("fleet-idp-service-resource-server/fleet-idp-service");
    }

    @Test
    void namesTheAuthSetupUserResourceServerAndItsScope() {
        assertThat(AuthSetupScopes.userResourceServer("cms")).isEqualTo("cms-user-resource-server");
        assertThat(AuthSetupScopes.userScopeName("cms")).isEqualTo("cms-user");
        assertThat(AuthSetupScopes.userScope("fleet-idp")).isEqualTo("fleet-idp-user-resource-server/fleet-idp-user");
    }

    @Test
    void namesTheAuthSetupUsersAndServiceClients() {
        assertThat(AuthSetupScopes.usersClientName("cms")).isEqualTo("cms-users-client");
        assertThat(AuthSetupScopes.serviceClientName("cms")).isEqualTo("cms-service-client");
        assertThat(AuthSetupScopes.usersClientName("fleet-idp")).isEqualTo("fleet-idp-users-client");
        assertThat(AuthSetupScopes.serviceClientName("fleet-idp")).isEqualTo("fleet-idp-service-client");
    }

    @Test
    void refusesAnIdentityProviderIdThatWouldNotMakeOneClientName() {
        for (String bad : new String[] {null, "", " ", "a b", "a/b", "a\"b", "a\\b", "x".repeat(129)}) {
            assertThatThrownBy(() -> AuthSetupScopes.usersClientName(bad))
                    .as("idp %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("identity provider id");
            assertThatThrownBy(() -> AuthSetupScopes.serviceClientName(bad))
                    .as("idp %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("identity provider id");
        }
        assertThatThrownBy(() -> AuthSetupScopes.usersClientName("a\nforged"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a?forged'");
    }

    @Test
    void refusesAnIdentityProviderIdThatWouldNotMakeOneScope() {
        for (String bad : new String[] {null, "", "a b", "a/b", "a\"b", "a\\b", "x".repeat(129)}) {
            assertThatThrownBy(() -> AuthSetupScopes.serviceScope(bad))
                    .as("idp %s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> AuthSetupScopes.userScope(bad))
                    .as("idp %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("identity provider id");
        }
        assertThatThrownBy(() -> AuthSetupScopes.serviceResourceServer("a\nforged"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a?forged'");
    }
}
