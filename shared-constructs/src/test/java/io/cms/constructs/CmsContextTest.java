package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CmsContextTest {

    @Test
    void usesTheOriginalDefaults() {
        CmsContext ctx = CmsContext.of(Map.of());
        assertThat(ctx.appUniqueId()).isEqualTo("cms");
        assertThat(ctx.identityProviderId()).isEqualTo("cms");
        assertThat(ctx.vpcName()).isEqualTo("cms-vpc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijk", "-cms", "cms-", "CMS", "c_ms", "cms!", "1cms", "9-app"})
    void rejectsAnInvalidAppUniqueIdNamingTheParameter(String bad) {
        assertThatThrownBy(() -> CmsContext.of(Map.of("appUniqueId", bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appUniqueId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws-idp", "my-cognito", "-x1", "Ab1", "1idp", "0-acme"})
    void rejectsAnIdentityProviderIdCognitoWouldRefuse(String bad) {
        assertThatThrownBy(() -> CmsContext.of(Map.of("identityProviderId", bad)))
                .hasMessageContaining("identityProviderId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my vpc", "my_vpc", "1vpc", "-vpc"})
    void rejectsAVpcNameCloudFormationWouldRefuseAsAStackName(String bad) {
        assertThatThrownBy(() -> CmsContext.of(Map.of("vpcName", bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vpcName")
                .hasMessageContaining("starting with a letter");
    }

    @Test
    void acceptsValuesThatStartWithALetter() {
        CmsContext ctx = CmsContext.of(Map.of("appUniqueId", "a1-b2", "identityProviderId", "acme-01", "vpcName", "Prod-Vpc-2"));
        assertThat(ctx.appUniqueId()).isEqualTo("a1-b2");
        assertThat(ctx.identityProviderId()).isEqualTo("acme-01");
        assertThat(ctx.vpcName()).isEqualTo("Prod-Vpc-2");
    }

    @Test
    void typedValuesNameTheParameterOnError() {
        CmsContext ctx = CmsContext.of(Map.of("natGateways", "three", "flowLogs", "maybe", "n", "5"));
        assertThatThrownBy(() -> ctx.integer("natGateways", 1, 0, 2)).hasMessageContaining("natGateways");
        assertThatThrownBy(() -> ctx.flag("flowLogs", true)).hasMessageContaining("flowLogs");
        assertThatThrownBy(() -> ctx.integer("n", 1, 0, 2)).hasMessageContaining("between 0 and 2");
    }

    @Test
    void mapsContextKeysToEnvironmentNames() {
        assertThat(CmsContext.toEnvName("vpcCidr")).isEqualTo("VPC_CIDR");
        assertThat(CmsContext.toEnvName("appUniqueId")).isEqualTo("APP_UNIQUE_ID");
        assertThat(CmsContext.toEnvName("publicSubnet1Cidr")).isEqualTo("PUBLIC_SUBNET1_CIDR");
    }
}
