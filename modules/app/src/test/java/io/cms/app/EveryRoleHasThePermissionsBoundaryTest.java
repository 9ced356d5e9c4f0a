package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.app.testing.AllStacks;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * Every IAM role of every module stack (including the roles CDK creates for its own providers) carries the
 * permissions boundary {@code {app}-permissions-boundary} that the deployer role requires, and the boundary
 * (as the all-modules app synthesizes it in its own stack {@code {app}-cms-permissions-boundary}) allows every
 * action those roles' policies grant: a role needing more fails here, not at deploy time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryRoleHasThePermissionsBoundaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The boundary ARN as the module templates render it (fixture App Unique ID {@code cms}). */
    static final Map<String, Object> BOUNDARY_ARN = Map.of("Fn::Join", List.of("", List.of("arn:",
            Map.of("Ref", "AWS::Partition"), ":iam::", Map.of("Ref", "AWS::AccountId"),
            ":policy/" + CmsPermissionsBoundary.policyName("cms"))));

    /** Reviewed: the AWS managed policies CMS roles may attach, and the actions they grant. */
    static final Map<String, List<String>> MANAGED_POLICY_ACTIONS = Map.of(
            "service-role/AWSLambdaVPCAccessExecutionRole", List.of("logs:CreateLogGroup", "logs:CreateLogStream",
                    "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses"));

    private final List<Map<String, Object>> templates = new ArrayList<>();
    private final List<String> stackNames = new ArrayList<>();
    private List<Map<String, Object>> boundary;
    private Map<String, Map<String, Object>> outputs;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void synthesize() throws IOException {
        String boundaryStackName = AllStacks.get().boundaryStack().getStackName();
        for (CloudFormationStackArtifact artifact : AllStacks.get().assembly().getStacks()) {
            if (!artifact.getStackName().equals(boundaryStackName)) {
                templates.add(JSON.readValue(Path.of(artifact.getTemplateFullPath()).toFile(), Map.class));
                stackNames.add(artifact.getStackName());
            }
        }
        Map<String, Map<String, Object>> policies = Template.fromStack(AllStacks.get().boundaryStack())
                .findResources("AWS::IAM::ManagedPolicy");
        boundary = policies.values().stream()
                .map(p -> (Map<String, Object>) p.get("Properties"))
                .filter(p -> CmsPermissionsBoundary.policyName("cms").equals(p.get("ManagedPolicyName")))
                .map(p -> (List<Map<String, Object>>) ((Map<String, Object>) p.get("PolicyDocument")).get("Statement"))
                .findFirst().orElseThrow(() -> new AssertionError("the all-modules app has no boundary policy"));
        App app = new App(AppProps.builder()
                .outdir(Path.of("target", "cdk.out-boundary").toAbsolutePath().toString())
                .context(Map.of("appUniqueId", "cms", "identityProviderId", "cms", "vpcName", "cms-vpc",
                        "assetBucketBaseName", "cms-assets"))
                .build());
        outputs = Template.fromStack(DeployerRoleApp.build(app)).findOutputs("*");
    }

    @Test
    void everyRoleOfEveryStackCarriesTheBoundary() {
        List<String> unbounded = new ArrayList<>();
        int[] roles = {0};
        forEachResource((stack, id, type, props) -> {
            if ("AWS::IAM::Role".equals(type) || "AWS::IAM::User".equals(type)) {
                roles[0]++;
                if (!BOUNDARY_ARN.equals(props.get("PermissionsBoundary"))) {
                    unbounded.add(stack + "/" + id + ": " + props.get("PermissionsBoundary"));
                }
            }
        });
        assertThat(roles[0]).as("the fixture has roles").isGreaterThan(10);
        assertThat(unbounded).as("roles without %s", BOUNDARY_ARN).isEmpty();
    }

    /**
     * CDK writes the role of a CustomResourceProvider (the VPC's default-security-group restriction) as a
     * plain CfnResource and creates the AwsCustomResource singleton's role itself: both must be bounded too.
     */
    @Test
    void cdkProviderRolesAreBoundedToo() {
        List<String> providerRoles = new ArrayList<>();
        forEachResource((stack, id, type, props) -> {
            if ("AWS::IAM::Role".equals(type) && (id.contains("CustomResourceProviderRole")
                    || id.startsWith("AWS679f53fac002430cb0da5b7982bd2287"))) {
                providerRoles.add(id.replaceAll("[0-9A-F]{8}$", "") + "=" + BOUNDARY_ARN.equals(
                        props.get("PermissionsBoundary")));
            }
        });
        assertThat(providerRoles).containsExactlyInAnyOrder(
                "CustomVpcRestrictDefaultSGCustomResourceProviderRole=true",
                "AWS679f53fac002430cb0da5b7982bd2287ServiceRole=true");
    }

    @Test
    void theBoundaryAllowsEveryActionTheRolesAreGranted() {
        TreeSet<String> outside = new TreeSet<>();
        for (String action : grantedActions()) {
            if (!allowedByBoundary(action)) {
                outside.add(action);
            }
        }
        assertThat(outside).as("actions CMS roles are granted but the permissions boundary does not allow"
                + " (add them to CmsPermissionsBoundary.DATA_PLANE_ACTIONS)").isEmpty();
    }

    @Test
    void aGrantOutsideTheBoundaryIsReported() {
        assertThat(allowedByBoundary("dynamodb:GetItem")).isTrue();
        assertThat(allowedByBoundary("kms:GenerateDataKeyWithoutPlaintext")).isTrue();
        assertThat(allowedByBoundary("iam:CreateRole")).isFalse();
        assertThat(allowedByBoundary("iam:PassRole")).isFalse();
        assertThat(allowedByBoundary("ssm:SendCommand")).isFalse();
        assertThat(allowedByBoundary("sts:AssumeRole")).isFalse();
    }

    @Test
    void theReviewedAwsManagedPoliciesFitTheBoundary() {
        MANAGED_POLICY_ACTIONS.forEach((name, actions) -> assertThat(actions.stream()
                .filter(a -> !allowedByBoundary(a)).toList()).as(name).isEmpty());
    }

    /** The deployer-role stack refers to the boundary by the very ARN the module roles carry (no export). */
    @Test
    void theDeployerRoleStackOutputsTheBoundaryArnTheRolesCarry() {
        assertThat(outputs).containsKeys("CloudFormationRoleArn", "PermissionsBoundaryArn");
        assertThat(outputs.get("PermissionsBoundaryArn").get("Value")).isEqualTo(BOUNDARY_ARN);
    }

    /** Every action of every role policy (inline, AWS::IAM::Policy, reviewed AWS managed policies). */
    @SuppressWarnings("unchecked")
    private TreeSet<String> grantedActions() {
        TreeSet<String> actions = new TreeSet<>();
        List<String> unreviewed = new ArrayList<>();
        forEachResource((stack, id, type, props) -> {
            if ("AWS::IAM::Role".equals(type)) {
                for (Object policy : (List<Object>) props.getOrDefault("Policies", List.of())) {
                    actions.addAll(actionsOf(((Map<String, Object>) policy).get("PolicyDocument")));
                }
                for (Object arn : (List<Object>) props.getOrDefault("ManagedPolicyArns", List.of())) {
                    String rendered = String.valueOf(arn);
                    String name = MANAGED_POLICY_ACTIONS.keySet().stream()
                            .filter(n -> rendered.contains(":iam::aws:policy/" + n)).findFirst().orElse(null);
                    if (name == null) {
                        unreviewed.add(stack + "/" + id + ": " + rendered);
                    } else {
                        actions.addAll(MANAGED_POLICY_ACTIONS.get(name));
                    }
                }
            } else if ("AWS::IAM::Policy".equals(type) || "AWS::IAM::ManagedPolicy".equals(type)) {
                actions.addAll(actionsOf(props.get("PolicyDocument")));
            }
        });
        assertThat(unreviewed).as("managed policies without a reviewed entry in MANAGED_POLICY_ACTIONS").isEmpty();
        assertThat(actions).as("the fixture grants actions").hasSizeGreaterThan(20);
        return actions;
    }

    private boolean allowedByBoundary(String action) {
        boolean allowed = false;
        for (Map<String, Object> statement : boundary) {
            boolean matches = strings(statement.get("Action")).stream().anyMatch(p -> actionMatches(p, action));
            if (matches && "Deny".equals(statement.get("Effect")) && statement.get("NotResource") == null) {
                return false;
            }
            allowed |= matches && "Allow".equals(statement.get("Effect"));
        }
        return allowed;
    }

    interface RoleVisitor {
        void visit(String stack, String logicalId, String type, Map<String, Object> properties);
    }

    @SuppressWarnings("unchecked")
    private void forEachResource(RoleVisitor visitor) {
        for (int i = 0; i < templates.size(); i++) {
            String stack = stackNames.get(i);
            ((Map<String, Object>) templates.get(i).get("Resources")).forEach((id, r) -> {
                Map<String, Object> resource = (Map<String, Object>) r;
                Object props = resource.get("Properties");
                visitor.visit(stack, id, (String) resource.get("Type"),
                        props == null ? Map.of() : (Map<String, Object>) props);
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> actionsOf(Object document) {
        List<String> out = new ArrayList<>();
        for (Object s : (List<Object>) ((Map<String, Object>) document).get("Statement")) {
            Map<String, Object> statement = (Map<String, Object>) s;
            if ("Allow".equals(statement.get("Effect"))) {
                out.addAll(strings(statement.get("Action")));
            }
        }
        return out;
    }

    /**
     * A granted action (itself possibly a wildcard such as {@code kms:GenerateDataKey*}) is inside the boundary
     * when a boundary pattern covers it; IAM action names are case-insensitive.
     */
    private static boolean actionMatches(String pattern, String action) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String a = action.toLowerCase(Locale.ROOT);
        if (a.contains("*") && !p.contains("*")) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : p.toCharArray()) {
            regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString()).matcher(a).matches();
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
