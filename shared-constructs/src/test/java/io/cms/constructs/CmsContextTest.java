package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
    @ValueSource(strings = {"aws-idp", "my-cognito", "-x1", "Ab1", "1idp", "0-acme", "idp_1", "idp!", "ab",
        "abcdefghijklmnopqrstu"})
    void rejectsAnIdentityProviderIdCognitoWouldRefuse(String bad) {
        assertThatThrownBy(() -> CmsContext.of(Map.of("identityProviderId", bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identityProviderId")
                .hasMessageContaining("start with a letter");
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
    void enforcesTheLengthConstantsThatValidateMjsGivesTheTemplateFields() {
        int idpMin = CmsContext.IDENTITY_PROVIDER_ID_MIN_LENGTH;
        int idpMax = CmsContext.IDENTITY_PROVIDER_ID_MAX_LENGTH;
        int vpcMin = CmsContext.VPC_NAME_MIN_LENGTH;
        int vpcMax = CmsContext.VPC_NAME_MAX_LENGTH;
        assertThat(context("a".repeat(idpMin), "a".repeat(vpcMin)).vpcName()).hasSize(vpcMin);
        assertThat(context("a".repeat(idpMax), "a".repeat(vpcMax)).vpcName()).hasSize(vpcMax);
        assertThatThrownBy(() -> context("a".repeat(idpMin - 1), "cms-vpc"))
                .hasMessageContaining("identityProviderId must be " + idpMin + "-" + idpMax);
        assertThatThrownBy(() -> context("a".repeat(idpMax + 1), "cms-vpc"))
                .hasMessageContaining("identityProviderId must be " + idpMin + "-" + idpMax);
        assertThatThrownBy(() -> context("cms", "a".repeat(vpcMin - 1)))
                .hasMessageContaining("vpcName must be " + vpcMin + "-" + vpcMax);
        assertThatThrownBy(() -> context("cms", "a".repeat(vpcMax + 1)))
                .hasMessageContaining("vpcName must be " + vpcMin + "-" + vpcMax);
    }

    @Test
    void everyStackNameAValidContextGivesIsOneCloudFormationAccepts() {
        // so a stack name CDK refuses never comes from a setting, and CmsSynth need not name one
        Pattern cloudFormation = Pattern.compile("^[A-Za-z][A-Za-z0-9-]{0,127}$");
        List<CmsContext> extremes = List.of(
                new CmsContext("a".repeat(AppUniqueId.MIN_LENGTH), "a".repeat(CmsContext.IDENTITY_PROVIDER_ID_MIN_LENGTH),
                        "a".repeat(CmsContext.VPC_NAME_MIN_LENGTH), k -> null),
                new CmsContext("z9-".repeat(AppUniqueId.MAX_LENGTH).substring(0, AppUniqueId.MAX_LENGTH - 1) + "9",
                        "z9-".repeat(CmsContext.IDENTITY_PROVIDER_ID_MAX_LENGTH).substring(0, CmsContext.IDENTITY_PROVIDER_ID_MAX_LENGTH - 1) + "9",
                        "Z" + "-".repeat(CmsContext.VPC_NAME_MAX_LENGTH - 1), k -> null));
        for (CmsContext context : extremes) {
            for (CmsModule module : CmsModule.values()) {
                assertThat(CmsModuleStack.cloudFormationNameOf(module, context)).matches(cloudFormation);
            }
        }
    }

    private static CmsContext context(String identityProviderId, String vpcName) {
        return new CmsContext("cms", identityProviderId, vpcName, k -> null);
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
        // Auth Setup's callbackUrls error tells deployers to use this variable.
        assertThat(CmsContext.toEnvName("callbackUrls")).isEqualTo("CALLBACK_URLS");
    }
}
