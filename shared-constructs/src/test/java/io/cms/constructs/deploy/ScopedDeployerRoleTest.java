package io.cms.constructs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsSynth;
import io.cms.constructs.nag.Nag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/** One App for the whole class: two deployments' roles, synthesized once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedDeployerRoleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Actions allowed on every resource: read-only, or EC2 networking and IoT account settings (documented). */
    private static final Set<String> DOCUMENTED_BROAD_PREFIXES = Set.of("ec2:", "iot:Describe", "iot:List",
            "iot:UpdateEventConfigurations", "logs:Describe", "ssm:Describe", "kms:List", "lambda:List", "iam:List",
            "cognito-idp:Describe", "sqs:List", "sns:List", "secretsmanager:List");

    private Template cms;
    private Template fleet;
    private Template hyphenated;
    private CloudAssembly assembly;

    @BeforeAll
    void synth() {
        App app = new App(AppProps.builder().outdir("target/cdk.out-deployer-role").build());
        Stack cmsStack = new Stack(app, "CmsDeployer");
        new ScopedDeployerRole(cmsStack, "Deployer", ScopedDeployerRoleProps.of(
                CmsContext.of(Map.of()), "acme-assets"));
        Stack fleetStack = new Stack(app, "FleetDeployer");
        new ScopedDeployerRole(fleetStack, "Deployer", new ScopedDeployerRoleProps(CmsContext.of(Map.of(
                "appUniqueId", "fleet", "vpcName", "fleet-net", "identityProviderId", "corp")), "acme-assets",
                "fleet-cms-deployer"));
        Stack hyphenatedStack = new Stack(app, "HyphenatedDeployer");
        new ScopedDeployerRole(hyphenatedStack, "Deployer", ScopedDeployerRoleProps.of(CmsContext.of(Map.of(
                "appUniqueId", "fleet-eu", "vpcName", "net", "identityProviderId", "corp")), "acme-assets"));
        Nag.apply(app);
        assembly = app.synth();
        cms = Template.fromStack(cmsStack);
        fleet = Template.fromStack(fleetStack);
        hyphenated = Template.fromStack(hyphenatedStack);
    }

    @Test
    void onlyCloudFormationCanAssumeTheRole() {
        cms.hasResourceProperties("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", Map.of("Statement", List.of(
                Map.of("Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("Service", "cloudformation.amazonaws.com"))))));
    }

    @Test
    void noStatementGrantsAServiceWildcardAction() throws Exception {
        for (Map<String, Object> statement : statements(cms)) {
            for (String action : strings(statement.get("Action"))) {
                assertThat(action).as("action in %s", statement.get("Sid")).isNotEqualTo("*").doesNotEndWith(":*");
            }
        }
    }

    @Test
    void everyStatementOnAllResourcesIsConditionedOrDocumentedAsBroad() throws Exception {
        for (Map<String, Object> statement : statements(cms)) {
            // a Deny on '*' only narrows the role
            if (!"Allow".equals(statement.get("Effect")) || !strings(statement.get("Resource")).contains("*")
                    || statement.containsKey("Condition")) {
                continue;
            }
            for (String action : strings(statement.get("Action"))) {
                assertThat(DOCUMENTED_BROAD_PREFIXES.stream().anyMatch(action::startsWith))
                        .as("%s in %s is on '*' without a condition", action, statement.get("Sid")).isTrue();
            }
        }
    }

    @Test
    void rolesAreLimitedToTheDeploymentsNamePrefixes() throws Exception {
        assertThat(resourcesOf(cms, "ManageCmsRoles")).containsExactlyInAnyOrder(
                ":role/cms-*", ":role/cms-vpc-vpc*", ":role/cms-auth-setup*");
        assertThat(resourcesOf(fleet, "ManageCmsRoles")).containsExactlyInAnyOrder(
                ":role/fleet-*", ":role/fleet-net-vpc*", ":role/corp-auth-setup*");
    }

    @Test
    void rolesCanOnlyBePassedToTheServicesCmsUses() {
        cms.hasResourceProperties("AWS::IAM::ManagedPolicy", statementLike(Map.of(
                "Sid", "PassCmsRolesToCmsServices",
                "Action", "iam:PassRole",
                "Condition", Map.of("StringEquals", Map.of("iam:PassedToService",
                        ScopedDeployerRole.PASS_ROLE_SERVICES)))));
    }

    @Test
    void onlyAwsServiceRolePoliciesCanBeAttached() throws Exception {
        Map<String, Object> attach = statement(cms, "AttachOnlyAwsServiceRolePolicies");
        assertThat(JSON.writeValueAsString(attach.get("Condition")))
                .contains("iam:PolicyARN").contains(":iam::aws:policy/service-role/*");
        assertThat(JSON.writeValueAsString(statements(cms))).doesNotContain("AdministratorAccess");
    }

    @Test
    void deniesChangesToItsOwnRole() throws Exception {
        Map<String, Object> deny = statement(cms, "NeverChangeTheDeployerRoleItself");
        assertThat(deny.get("Effect")).isEqualTo("Deny");
        assertThat(JSON.writeValueAsString(deny.get("Resource"))).contains("Fn::GetAtt").contains("DeployerRole");
        assertThat(strings(deny.get("Action"))).contains("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole");
    }

    @Test
    void rolesCanBeCreatedAndTheirPoliciesWrittenOnlyWithTheCmsBoundary() throws Exception {
        List<String> bounded = new ArrayList<>(ScopedDeployerRole.BOUNDED_ROLE_ACTIONS);
        bounded.add("iam:AttachRolePolicy");
        assertThat(bounded).contains("iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary");
        String boundaryRef = boundaryArnJson("cms");
        for (Map<String, Object> statement : statements(cms)) {
            if (!"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            for (String action : strings(statement.get("Action"))) {
                if (bounded.stream().anyMatch(b -> b.equalsIgnoreCase(action))) {
                    assertThat(JSON.writeValueAsString(statement.get("Condition")))
                            .as("%s in %s must require the CMS permissions boundary", action, statement.get("Sid"))
                            .contains("\"iam:PermissionsBoundary\":" + boundaryRef);
                }
            }
        }
        assertThat(JSON.writeValueAsString(statement(cms, "CreateAndChangeOnlyBoundedCmsRoles").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"iam:PermissionsBoundary\":" + boundaryRef + "}}");
    }

    /**
     * IAM supports no {@code iam:PermissionsBoundary} condition key for UpdateAssumeRolePolicy, so a condition on
     * it would always match: the action is limited by the CMS role-name prefixes only, and says so.
     */
    @Test
    void trustPolicyUpdatesAreLimitedOnlyByTheRoleNamePrefixes() throws Exception {
        List<Map<String, Object>> allowing = statements(fleet).stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> strings(s.get("Action")).contains("iam:UpdateAssumeRolePolicy")).toList();
        assertThat(allowing).hasSize(1);
        assertThat(allowing.get(0)).doesNotContainKey("Condition");
        assertThat(resourcesOf(fleet, (String) allowing.get(0).get("Sid"))).containsExactlyInAnyOrder(
                ":role/fleet-*", ":role/fleet-net-vpc*", ":role/corp-auth-setup*");
        assertThat(JSON.writeValueAsString(statements(fleet))).doesNotContain("IfExists");
    }

    @Test
    void noRolesBoundaryCanBeRemoved() {
        Map<String, Object> deny = statement(cms, "NeverRemoveABoundary");
        assertThat(deny.get("Effect")).isEqualTo("Deny");
        assertThat(deny.get("Resource")).isEqualTo("*");
        assertThat(strings(deny.get("Action"))).containsExactly("iam:DeleteRolePermissionsBoundary");
    }

    /** The managed-policy denies name exactly the boundary policy, not every policy of the account. */
    @Test
    void theBoundaryPolicyCanNeverBeChangedAndTheDenyIsOnExactlyItsArn() throws Exception {
        List<String> policyChanges = List.of("iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion", "iam:DeletePolicy");
        for (String app : List.of("cms", "fleet")) {
            Map<String, Object> deny = statement("cms".equals(app) ? cms : fleet, "NeverChangeTheBoundaryPolicy");
            assertThat(deny.get("Effect")).isEqualTo("Deny");
            assertThat(JSON.writeValueAsString(deny.get("Resource"))).isEqualTo(boundaryArnJson(app));
            assertThat(strings(deny.get("Action"))).containsExactlyInAnyOrderElementsOf(policyChanges);
        }
        for (Map<String, Object> statement : statements(cms)) {
            if (strings(statement.get("Resource")).contains("*")) {
                assertThat(strings(statement.get("Action"))).as("on '*' in %s", statement.get("Sid"))
                        .doesNotContainAnyElementsOf(policyChanges);
            }
        }
    }

    /**
     * The boundary lives in its own stack ({@code {app}-cms-permissions-boundary}): the deployer-role stack
     * creates no boundary policy and refers to it by the ARN built from the account and the fixed name, with
     * no cross-stack export, so either stack can be updated on its own.
     */
    @Test
    void theBoundaryIsReferredToByItsArnAndNotCreatedHere() throws Exception {
        for (Template template : List.of(cms, fleet)) {
            template.resourceCountIs("AWS::IAM::Role", 1);
            template.findResources("AWS::IAM::ManagedPolicy").values().forEach(policy -> assertThat(
                    JSON.valueToTree(policy).path("Properties").has("Roles"))
                    .as("every managed policy of the deployer stack is one of the role's policies").isTrue());
            assertThat(JSON.writeValueAsString(template.toJSON())).doesNotContain("Fn::ImportValue");
        }
        assertThat(JSON.writeValueAsString(statement(fleet, "CreateAndChangeOnlyBoundedCmsRoles").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"iam:PermissionsBoundary\":" + boundaryArnJson("fleet") + "}}");
    }

    @Test
    void theRoleCanCreateNoManagedPolicySoNotTheBoundaryEither() throws Exception {
        for (Map<String, Object> statement : statements(cms)) {
            if ("Allow".equals(statement.get("Effect"))) {
                assertThat(strings(statement.get("Action"))).as("allowed by %s", statement.get("Sid"))
                        .noneMatch(a -> a.equalsIgnoreCase("iam:CreatePolicy") || a.startsWith("iam:*"));
            }
        }
    }

    @Test
    void parametersAndSecretsAreLimitedToTheDeploymentsPaths() throws Exception {
        assertThat(resourcesOf(fleet, "ManageCmsParameters")).containsExactlyInAnyOrder(
                ":parameter/solution/fleet", ":parameter/solution/fleet/*",
                ":parameter/solution/vpc/fleet-net", ":parameter/solution/vpc/fleet-net/*",
                ":parameter/solution/auth/corp", ":parameter/solution/auth/corp/*");
        assertThat(resourcesOf(fleet, "ManageCmsSecrets")).containsExactlyInAnyOrder(
                ":secret:/solution/fleet/*", ":secret:/solution/vpc/fleet-net/*", ":secret:/solution/auth/corp/*",
                ":secret:fleet/*");
    }

    @Test
    void keysAndUserPoolsMustCarryTheSolutionTag() {
        for (String sid : List.of("CreateKeysTaggedAsCms", "CreateUserPoolsTaggedAsCms")) {
            cms.hasResourceProperties("AWS::IAM::ManagedPolicy", statementLike(Map.of("Sid", sid,
                    "Resource", "*",
                    "Condition", Map.of("StringEquals", Map.of("aws:RequestTag/Solutions:SolutionID", "SO0241")))));
        }
        for (String sid : List.of("ManageKeysTaggedAsCms", "ManageUserPoolsTaggedAsCms")) {
            cms.hasResourceProperties("AWS::IAM::ManagedPolicy", statementLike(Map.of("Sid", sid,
                    "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/Solutions:SolutionID", "SO0241")))));
        }
    }

    @Test
    void lambdaCodeIsReadOnlyFromTheRegionalAssetBucket() throws Exception {
        assertThat(resourcesOf(cms, "ReadLambdaCodeFromTheAssetBucket")).containsExactly(":acme-assets-{region}/*");
        assertThat(strings(statement(cms, "ReadLambdaCodeFromTheAssetBucket").get("Action")))
                .containsExactlyInAnyOrder("s3:GetObject", "s3:GetObjectVersion");
    }

    @Test
    void iotRulesFollowTheUnderscoreNaming() throws Exception {
        assertThat(resourcesOf(cms, "ManageCmsIotResources")).contains(":rule/cms_*", ":policy/cms-*");
    }

    @Test
    void athenaWorkGroupsAndFirehoseStreamsAreLimitedToTheAppUniqueId() throws Exception {
        assertThat(resourcesOf(fleet, "ManageCmsAthenaWorkGroups")).containsExactly(":workgroup/fleet-*");
        assertThat(resourcesOf(fleet, "ManageCmsDeliveryStreams")).containsExactly(":deliverystream/fleet-*");
        assertThat(resourcesOf(fleet, "ManageCmsScheduleRules")).containsExactly(":rule/fleet-*");
    }

    @Test
    void glueDatabasesAndTablesUseTheUnderscoredAppUniqueId() throws Exception {
        assertThat(resourcesOf(hyphenated, "ManageCmsGlueDatabasesAndTables")).containsExactlyInAnyOrder(
                ":catalog", ":database/fleet_eu*", ":table/fleet_eu*/*", ":userDefinedFunction/fleet_eu*/*");
    }

    @Test
    void graphqlApisMustCarryTheSolutionTag() {
        cms.hasResourceProperties("AWS::IAM::ManagedPolicy", statementLike(Map.of(
                "Sid", "CreateGraphqlApisTaggedAsCms", "Resource", "*",
                "Action", List.of("appsync:CreateGraphqlApi", "appsync:TagResource"),
                "Condition", Map.of("StringEquals", Map.of("aws:RequestTag/Solutions:SolutionID", "SO0241")))));
        cms.hasResourceProperties("AWS::IAM::ManagedPolicy", statementLike(Map.of(
                "Sid", "ManageGraphqlApisTaggedAsCms",
                "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/Solutions:SolutionID", "SO0241")))));
    }

    @Test
    void appSyncChildrenAndLogGroupsStayInsideTheAccountsApis() throws Exception {
        assertThat(resourcesOf(cms, "ManageGraphqlApiDataSourcesAndResolvers")).containsExactly(":apis/*");
        assertThat(resourcesOf(cms, "ManageAppSyncApiLogGroups")).containsExactly(":log-group:/aws/appsync/apis/*");
    }

    @Test
    void everyManagedPolicyFitsTheIamSizeLimit() throws Exception {
        for (Object resource : cms.findResources("AWS::IAM::ManagedPolicy").values()) {
            @SuppressWarnings("unchecked")
            Object doc = ((Map<String, Object>) ((Map<String, Object>) resource).get("Properties"))
                    .get("PolicyDocument");
            // IAM counts the document without whitespace; pseudo-parameter refs become short ARNs when resolved
            assertThat(JSON.writeValueAsString(doc).length()).as("managed policy document size").isLessThan(6144);
        }
    }

    @Test
    void usesTheGivenRoleName() {
        fleet.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "fleet-cms-deployer"));
        cms.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", Match.absent()));
    }

    @Test
    void hasNoUnsuppressedCdkNagFinding() {
        assertThat(CmsSynth.problems(assembly)).isEmpty();
    }

    @Test
    void rejectsAnInvalidAssetBucketBaseName() {
        assertThatThrownBy(() -> ScopedDeployerRoleProps.of(CmsContext.of(Map.of()), "Not_A_Bucket"))
                .hasMessageContaining("Parameter assetBucketBaseName");
    }

    private static Map<String, Object> statementLike(Map<String, Object> statement) {
        return Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement)))));
    }

    /** The statements of the deployer role's policies. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Template template) {
        List<Map<String, Object>> out = new ArrayList<>();
        template.findResources("AWS::IAM::ManagedPolicy").values().forEach(resource -> {
            Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            if (!props.containsKey("Roles")) {
                return;
            }
            Map<String, Object> doc = (Map<String, Object>) props.get("PolicyDocument");
            out.addAll((List<Map<String, Object>>) doc.get("Statement"));
        });
        return out;
    }

    /** {@code arn:{partition}:iam::{account}:policy/{app}-permissions-boundary} as the template renders it. */
    private static String boundaryArnJson(String app) throws Exception {
        return JSON.writeValueAsString(Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                ":iam::", Map.of("Ref", "AWS::AccountId"), ":policy/" + app + "-permissions-boundary"))));
    }

    private static Map<String, Object> statement(Template template, String sid) {
        return statements(template).stream().filter(s -> sid.equals(s.get("Sid"))).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid));
    }

    /** Each resource ARN with the partition/account prefix dropped and the region token shown as {region}. */
    private static List<String> resourcesOf(Template template, String sid) throws Exception {
        List<String> out = new ArrayList<>();
        Object resource = statement(template, sid).get("Resource");
        for (Object r : resource instanceof List<?> list ? list : List.of(resource)) {
            out.add(flatten(r).replaceFirst("^arn:\\{partition}:[a-z0-9-]*:(\\{region})?:(\\{account})?:", ":"));
        }
        return out;
    }

    /** Renders an Fn::Join of literals and pseudo-parameter refs as one string. */
    @SuppressWarnings("unchecked")
    private static String flatten(Object value) throws Exception {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> map = (Map<String, Object>) value;
        if (map.containsKey("Ref")) {
            return switch ((String) map.get("Ref")) {
                case "AWS::Partition" -> "{partition}";
                case "AWS::Region" -> "{region}";
                case "AWS::AccountId" -> "{account}";
                default -> "{" + map.get("Ref") + "}";
            };
        }
        List<Object> join = (List<Object>) map.get("Fn::Join");
        if (join == null) {
            throw new AssertionError("unexpected intrinsic " + JSON.writeValueAsString(value));
        }
        StringBuilder out = new StringBuilder();
        for (Object part : (List<Object>) join.get(1)) {
            out.append(flatten(part));
        }
        return out.toString();
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
