package io.cms.constructs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.constructs.CmsContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmsPermissionsBoundaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private List<Map<String, Object>> statements;
    private Template bounded;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void synth() {
        App app = new App(AppProps.builder().outdir("target/cdk.out-boundary").build());
        Stack boundaryStack = new Stack(app, "Boundary");
        new CmsPermissionsBoundary(boundaryStack, "Boundary", CmsContext.of(Map.of(
                "appUniqueId", "fleet", "vpcName", "net", "identityProviderId", "corp")));
        Map<String, Object> policy = (Map<String, Object>) Template.fromStack(boundaryStack)
                .findResources("AWS::IAM::ManagedPolicy").values().iterator().next();
        Map<String, Object> props = (Map<String, Object>) policy.get("Properties");
        assertThat(props.get("ManagedPolicyName")).isEqualTo("fleet-permissions-boundary");
        statements = (List<Map<String, Object>>) ((Map<String, Object>) props.get("PolicyDocument")).get("Statement");

        App modules = new App(AppProps.builder().outdir("target/cdk.out-boundary-modules").build());
        Stack stack = new Stack(modules, "Module");
        Role.Builder.create(stack, "FunctionRole").assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();
        // how CDK writes the roles of its own providers (CustomResourceProvider): a plain CfnResource
        CfnResource.Builder.create(stack, "ProviderRole").type("AWS::IAM::Role").properties(Map.of(
                "AssumeRolePolicyDocument", Map.of("Version", "2012-10-17", "Statement", List.of()))).build();
        CmsPermissionsBoundary.applyTo(modules, "fleet");
        bounded = Template.fromStack(stack);
    }

    @Test
    void everyRoleOfEveryStackGetsTheBoundaryIncludingPlainCfnRoles() throws Exception {
        Map<String, Map<String, Object>> roles = bounded.findResources("AWS::IAM::Role");
        assertThat(roles).hasSize(2);
        for (Map<String, Object> role : roles.values()) {
            assertThat(JSON.writeValueAsString(role.get("Properties")))
                    .contains("\"PermissionsBoundary\"")
                    .contains(":iam::", ":policy/fleet-permissions-boundary");
        }
    }

    @Test
    void allowsNoIamNoStsAndNoServiceWideWildcard() {
        for (Map<String, Object> s : statements) {
            if (!"Allow".equals(s.get("Effect"))) {
                continue;
            }
            for (String action : strings(s.get("Action"))) {
                assertThat(action).as("allowed by %s", s.get("Sid"))
                        .doesNotStartWith("iam:").doesNotStartWith("sts:").doesNotEndWith(":*")
                        .isNotIn("ssm:SendCommand", "ssm:StartSession", "lambda:UpdateFunctionCode",
                                "ec2:RunInstances");
            }
        }
    }

    @Test
    void deniesEveryIamChangeAndRemovingTheBoundary() {
        Map<String, Object> noIam = sid("NoIamChanges");
        assertThat(noIam.get("Effect")).isEqualTo("Deny");
        // Create*/Delete*/Put*/Set* also cover changing or removing the boundary itself
        // (CreatePolicyVersion, SetDefaultPolicyVersion, DeletePolicy, Put/DeleteRolePermissionsBoundary)
        assertThat(strings(noIam.get("Action"))).contains("iam:Create*", "iam:Put*", "iam:Attach*", "iam:Update*",
                "iam:Delete*", "iam:Set*");
    }

    /**
     * A boundary only caps what the role's own policies grant: allowing no {@code iam:PassRole} is what keeps a
     * bounded role from passing any role, so a statement about PassRole (a Deny scoped to some roles) would only
     * suggest that passing CMS roles is allowed.
     */
    @Test
    void allowsNoPassRoleAndHasNoStatementAboutIt() {
        for (Map<String, Object> s : statements) {
            assertThat(strings(s.get("Action"))).as("actions of %s", s.get("Sid"))
                    .noneMatch(a -> a.equalsIgnoreCase("iam:PassRole") || a.equalsIgnoreCase("iam:Pass*"));
            assertThat(s).as(String.valueOf(s.get("Sid"))).doesNotContainKeys("NotResource", "NotAction");
        }
    }

    @Test
    void lambdaIsLimitedToInvokingTheDeploymentsFunctions() throws Exception {
        Map<String, Object> invoke = sid("InvokeCmsFunctions");
        assertThat(invoke.get("Action")).isEqualTo("lambda:InvokeFunction");
        assertThat(JSON.writeValueAsString(invoke.get("Resource")))
                .contains(":function:fleet-*").contains(":function:net-vpc*")
                .contains(":function:corp-auth-setup*");
    }

    @Test
    void itsOwnStackNeedsOnlyTheDeploymentsNames() throws Exception {
        App app = new App(AppProps.builder().outdir("target/cdk.out-boundary-stack").context(Map.of(
                "appUniqueId", "fleet", "vpcName", "net", "identityProviderId", "corp")).build());
        Stack stack = CmsPermissionsBoundary.addStack(app, CmsContext.from(app.getNode()));
        assertThat(stack.getNode().getId()).isEqualTo(CmsPermissionsBoundary.STACK_ID).isEqualTo("PermissionsBoundary");
        assertThat(stack.getStackName()).isEqualTo("fleet-cms-permissions-boundary");
        Template template = Template.fromStack(stack);
        assertThat((Map<?, ?>) template.toJSON().get("Resources")).hasSize(1);
        assertThat(template.toJSON()).doesNotContainKey("Outputs");
        template.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of(
                "ManagedPolicyName", "fleet-permissions-boundary", "Roles", Match.absent()));
        assertThat(JSON.writeValueAsString(template.toJSON()))
                .contains(":function:fleet-*", ":function:net-vpc*", ":function:corp-auth-setup*");
    }

    /** The ARN the deployer role's conditions use is exactly the boundary every module role carries. */
    @Test
    void arnOfIsTheBoundaryEveryRoleCarries() {
        Object carried = bounded.findResources("AWS::IAM::Role").values().iterator().next();
        JsonNode expected = JSON.valueToTree(carried).path("Properties").path("PermissionsBoundary");
        Stack stack = new Stack(new App(), "Referring");
        JsonNode referred = JSON.valueToTree(stack.resolve(CmsPermissionsBoundary.arnOf("fleet")));
        assertThat(expected.isMissingNode()).isFalse();
        assertThat(referred.equals(expected)).as("%s equals %s", referred, expected).isTrue();
    }

    @Test
    void rejectsAMissingOrInvalidAppUniqueId() {
        assertThatThrownBy(() -> CmsPermissionsBoundary.policyName(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appUniqueId");
        assertThatThrownBy(() -> CmsPermissionsBoundary.stackName(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appUniqueId");
        assertThatThrownBy(() -> CmsPermissionsBoundary.policyName("Fleet"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appUniqueId");
    }

    private Map<String, Object> sid(String sid) {
        return statements.stream().filter(s -> sid.equals(s.get("Sid"))).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid));
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
