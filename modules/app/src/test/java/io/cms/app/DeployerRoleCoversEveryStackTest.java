package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static java.util.Map.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.app.testing.AllStacks;
import io.cms.app.testing.CfnGuard;
import io.cms.constructs.CmsSynth;
import io.cms.constructs.lambda.LambdaAssets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The scoped deployer role (DeployerRoleApp) must be able to create, update and delete every resource
 * of every module stack in CmsApp: each CloudFormation resource type the stacks synthesize needs a
 * reviewed entry in {@link #REQUIRED_ACTIONS}, each of those actions must be allowed by the role, named
 * resources must fall under the role's resource patterns, tag-conditioned creates must carry the tag, and
 * custom resource providers must be invokable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployerRoleCoversEveryStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOLUTION_TAG = "Solutions:SolutionID";
    private static final String CUSTOM_RESOURCE = "lambda:InvokeFunction";

    /**
     * Reviewed map: CloudFormation resource type → the IAM actions CloudFormation calls for it (create
     * first, then read/update/tag/delete). A new resource type in any module fails the test until it is
     * reviewed here and the deployer role grants it.
     */
    static final Map<String, List<String>> REQUIRED_ACTIONS = Map.ofEntries(
            entry("AWS::AppSync::GraphQLApi", List.of("appsync:CreateGraphqlApi", "appsync:GetGraphqlApi",
                    "appsync:UpdateGraphqlApi", "appsync:DeleteGraphqlApi", "appsync:TagResource",
                    "appsync:UntagResource", "appsync:ListTagsForResource")),
            entry("AWS::AppSync::GraphQLSchema", List.of("appsync:StartSchemaCreation",
                    "appsync:GetSchemaCreationStatus")),
            entry("AWS::AppSync::DataSource", List.of("appsync:CreateDataSource", "appsync:GetDataSource",
                    "appsync:UpdateDataSource", "appsync:DeleteDataSource")),
            entry("AWS::AppSync::Resolver", List.of("appsync:CreateResolver", "appsync:GetResolver",
                    "appsync:UpdateResolver", "appsync:DeleteResolver")),
            entry("AWS::Athena::WorkGroup", List.of("athena:CreateWorkGroup", "athena:GetWorkGroup",
                    "athena:UpdateWorkGroup", "athena:DeleteWorkGroup", "athena:TagResource",
                    "athena:UntagResource", "athena:ListTagsForResource")),
            entry("AWS::Cognito::UserPool", List.of("cognito-idp:CreateUserPool", "cognito-idp:DescribeUserPool",
                    "cognito-idp:UpdateUserPool", "cognito-idp:DeleteUserPool", "cognito-idp:TagResource",
                    "cognito-idp:UntagResource")),
            entry("AWS::Cognito::UserPoolClient", List.of("cognito-idp:CreateUserPoolClient",
                    "cognito-idp:DescribeUserPoolClient", "cognito-idp:UpdateUserPoolClient",
                    "cognito-idp:DeleteUserPoolClient")),
            entry("AWS::Cognito::UserPoolDomain", List.of("cognito-idp:CreateUserPoolDomain",
                    "cognito-idp:DescribeUserPoolDomain", "cognito-idp:UpdateUserPoolDomain",
                    "cognito-idp:DeleteUserPoolDomain")),
            entry("AWS::Cognito::UserPoolResourceServer", List.of("cognito-idp:CreateResourceServer",
                    "cognito-idp:DescribeResourceServer", "cognito-idp:UpdateResourceServer",
                    "cognito-idp:DeleteResourceServer")),
            entry("AWS::DynamoDB::Table", List.of("dynamodb:CreateTable", "dynamodb:DescribeTable",
                    "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:TagResource",
                    "dynamodb:UntagResource", "dynamodb:ListTagsOfResource", "dynamodb:UpdateTimeToLive",
                    "dynamodb:DescribeTimeToLive", "dynamodb:UpdateContinuousBackups",
                    "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeStream")),
            entry("AWS::EC2::EIP", List.of("ec2:AllocateAddress", "ec2:DescribeAddresses", "ec2:ReleaseAddress",
                    "ec2:CreateTags")),
            entry("AWS::EC2::FlowLog", List.of("ec2:CreateFlowLogs", "ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs")),
            entry("AWS::EC2::InternetGateway", List.of("ec2:CreateInternetGateway",
                    "ec2:DescribeInternetGateways", "ec2:DeleteInternetGateway", "ec2:CreateTags")),
            entry("AWS::EC2::NatGateway", List.of("ec2:CreateNatGateway", "ec2:DescribeNatGateways",
                    "ec2:DeleteNatGateway", "ec2:CreateTags")),
            entry("AWS::EC2::Route", List.of("ec2:CreateRoute", "ec2:DescribeRouteTables", "ec2:ReplaceRoute",
                    "ec2:DeleteRoute")),
            entry("AWS::EC2::RouteTable", List.of("ec2:CreateRouteTable", "ec2:DescribeRouteTables",
                    "ec2:DeleteRouteTable", "ec2:CreateTags")),
            entry("AWS::EC2::Subnet", List.of("ec2:CreateSubnet", "ec2:DescribeSubnets",
                    "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", "ec2:CreateTags")),
            entry("AWS::EC2::SubnetRouteTableAssociation", List.of("ec2:AssociateRouteTable",
                    "ec2:DescribeRouteTables", "ec2:DisassociateRouteTable")),
            entry("AWS::EC2::VPC", List.of("ec2:CreateVpc", "ec2:DescribeVpcs", "ec2:ModifyVpcAttribute",
                    "ec2:DeleteVpc", "ec2:CreateTags", "ec2:DeleteTags")),
            entry("AWS::EC2::VPCEndpoint", List.of("ec2:CreateVpcEndpoint", "ec2:DescribeVpcEndpoints",
                    "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints")),
            entry("AWS::EC2::VPCGatewayAttachment", List.of("ec2:AttachInternetGateway",
                    "ec2:DescribeInternetGateways", "ec2:DetachInternetGateway")),
            entry("AWS::Glue::Database", List.of("glue:CreateDatabase", "glue:GetDatabase", "glue:UpdateDatabase",
                    "glue:DeleteDatabase")),
            entry("AWS::Glue::Table", List.of("glue:CreateTable", "glue:GetTable", "glue:UpdateTable",
                    "glue:DeleteTable")),
            entry("AWS::IAM::Policy", List.of("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy")),
            entry("AWS::IAM::Role", List.of("iam:CreateRole", "iam:GetRole", "iam:UpdateRole",
                    "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole",
                    "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
                    "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:PassRole",
                    "iam:PutRolePermissionsBoundary")),
            entry("AWS::IoT::Policy", List.of("iot:CreatePolicy", "iot:GetPolicy", "iot:CreatePolicyVersion",
                    "iot:DeletePolicyVersion", "iot:ListPolicyVersions", "iot:DeletePolicy", "iot:TagResource")),
            entry("AWS::IoT::ProvisioningTemplate", List.of("iot:CreateProvisioningTemplate",
                    "iot:DescribeProvisioningTemplate", "iot:UpdateProvisioningTemplate",
                    "iot:CreateProvisioningTemplateVersion", "iot:DeleteProvisioningTemplateVersion",
                    "iot:DeleteProvisioningTemplate", "iot:TagResource")),
            entry("AWS::IoT::TopicRule", List.of("iot:CreateTopicRule", "iot:GetTopicRule", "iot:ReplaceTopicRule",
                    "iot:DeleteTopicRule", "iot:TagResource", "iot:UntagResource")),
            entry("AWS::KMS::Key", List.of("kms:CreateKey", "kms:DescribeKey", "kms:GetKeyPolicy",
                    "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:GetKeyRotationStatus", "kms:TagResource",
                    "kms:UntagResource", "kms:ListResourceTags", "kms:ScheduleKeyDeletion")),
            entry("AWS::Events::Rule", List.of("events:PutRule", "events:DescribeRule", "events:DeleteRule",
                    "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule", "events:TagResource",
                    "events:UntagResource")),
            entry("AWS::KinesisFirehose::DeliveryStream", List.of("firehose:CreateDeliveryStream",
                    "firehose:DescribeDeliveryStream", "firehose:UpdateDestination",
                    "firehose:DeleteDeliveryStream", "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream",
                    "firehose:StartDeliveryStreamEncryption")),
            entry("AWS::Lambda::Alias", List.of("lambda:CreateAlias", "lambda:GetAlias", "lambda:UpdateAlias",
                    "lambda:DeleteAlias")),
            entry("AWS::Lambda::EventSourceMapping", List.of("lambda:CreateEventSourceMapping",
                    "lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping",
                    "lambda:DeleteEventSourceMapping")),
            entry("AWS::Lambda::Function", List.of("lambda:CreateFunction", "lambda:GetFunction",
                    "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
                    "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags", "s3:GetObject")),
            entry("AWS::Lambda::Permission", List.of("lambda:AddPermission", "lambda:GetPolicy",
                    "lambda:RemovePermission")),
            entry("AWS::Lambda::Version", List.of("lambda:PublishVersion", "lambda:GetFunctionConfiguration",
                    "lambda:ListVersionsByFunction")),
            entry("AWS::Logs::LogGroup", List.of("logs:CreateLogGroup", "logs:DescribeLogGroups",
                    "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:TagResource", "logs:UntagResource",
                    "logs:DeleteLogGroup")),
            entry("AWS::Logs::LogStream", List.of("logs:CreateLogStream", "logs:DescribeLogStreams",
                    "logs:DeleteLogStream")),
            entry("AWS::S3::Bucket", List.of("s3:CreateBucket", "s3:PutBucketTagging",
                    "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock", "s3:PutBucketVersioning",
                    "s3:PutBucketOwnershipControls", "s3:PutBucketLogging", "s3:PutLifecycleConfiguration",
                    "s3:GetBucketLocation", "s3:DeleteBucket")),
            entry("AWS::S3::BucketPolicy", List.of("s3:PutBucketPolicy", "s3:GetBucketPolicy",
                    "s3:DeleteBucketPolicy")),
            entry("AWS::SNS::Subscription", List.of("sns:Subscribe", "sns:GetSubscriptionAttributes",
                    "sns:SetSubscriptionAttributes", "sns:Unsubscribe")),
            entry("AWS::SNS::Topic", List.of("sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
                    "sns:TagResource", "sns:UntagResource", "sns:DeleteTopic")),
            entry("AWS::SNS::TopicPolicy", List.of("sns:SetTopicAttributes", "sns:GetTopicAttributes")),
            entry("AWS::SQS::Queue", List.of("sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                    "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue", "sqs:DeleteQueue")),
            entry("AWS::SQS::QueuePolicy", List.of("sqs:SetQueueAttributes", "sqs:GetQueueAttributes")),
            entry("AWS::SSM::Parameter", List.of("ssm:PutParameter", "ssm:GetParameters", "ssm:AddTagsToResource",
                    "ssm:RemoveTagsFromResource", "ssm:DeleteParameter")),
            entry("AWS::SecretsManager::RotationSchedule", List.of("secretsmanager:RotateSecret",
                    "secretsmanager:DescribeSecret", "secretsmanager:CancelRotateSecret")),
            entry("AWS::SecretsManager::Secret", List.of("secretsmanager:CreateSecret",
                    "secretsmanager:DescribeSecret", "secretsmanager:GetRandomPassword",
                    "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:UntagResource",
                    "secretsmanager:DeleteSecret")));

    private List<Map<String, Object>> statements;
    private CloudAssembly roleAssembly;
    private Stack deployerStack;
    private List<StackTemplate> moduleTemplates;
    private Map<String, Object> boundaryTemplate;

    record StackTemplate(String stackName, Map<String, Object> template) {
    }

    @BeforeAll
    void synthesizeTheDeployerRoleForTheFixturesDeployment() throws IOException {
        App app = new App(AppProps.builder()
                .outdir(Path.of("target", "cdk.out-deployer-role").toAbsolutePath().toString())
                .context(Map.of("appUniqueId", "cms", "identityProviderId", "cms", "vpcName", "cms-vpc",
                        "assetBucketBaseName", "cms-assets"))
                .build());
        deployerStack = DeployerRoleApp.build(app);
        roleAssembly = app.synth();
        statements = statementsOf(Template.fromStack(deployerStack).toJSON());
        moduleTemplates = new ArrayList<>();
        for (CloudFormationStackArtifact artifact : AllStacks.get().assembly().getStacks()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> template = JSON.readValue(Path.of(artifact.getTemplateFullPath()).toFile(), Map.class);
            if (artifact.getStackName().equals(AllStacks.get().boundaryStack().getStackName())) {
                // deployed with the deployer's own credentials (make deploy) or by an administrator, never
                // with the deployer role, which may not create or change the boundary
                boundaryTemplate = template;
            } else {
                moduleTemplates.add(new StackTemplate(artifact.getStackName(), template));
            }
        }
    }

    /** Leaving the boundary stack out of the checks below hides nothing but the boundary policy itself. */
    @Test
    void onlyTheBoundaryPolicyIsLeftOutOfTheCoverage() {
        assertThat(boundaryTemplate).as("the all-modules app has the permissions boundary stack").isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) boundaryTemplate.get("Resources");
        assertThat(resources.values()).extracting(r -> r.get("Type")).containsExactly("AWS::IAM::ManagedPolicy");
        assertThat(moduleTemplates).extracting(StackTemplate::stackName).hasSize(CmsApp.factories().size())
                .doesNotContain(AllStacks.get().boundaryStack().getStackName());
    }

    @Test
    void everyResourceTypeOfEveryStackHasAReviewedActionList() {
        TreeSet<String> unknown = new TreeSet<>();
        forEachResource((stack, id, resource) -> {
            String type = type(resource);
            if (!isCustomResource(type) && !REQUIRED_ACTIONS.containsKey(type)) {
                unknown.add(type + " (" + stack.stackName() + "/" + id + ")");
            }
        });
        assertThat(unknown).as("resource types without a reviewed entry in REQUIRED_ACTIONS").isEmpty();
    }

    @Test
    void theRoleAllowsEveryActionEveryResourceTypeNeeds() {
        assertThat(missingActions(statements, moduleTemplates))
                .as("resource type -> actions the deployer role does not allow").isEmpty();
    }

    @Test
    void namedResourcesFallUnderTheRolesResourcePatterns() {
        assertThat(outsideThePatterns(statements, moduleTemplates)).isEmpty();
    }

    @Test
    void reportsANamedResourceOfAnotherDeployment() {
        StackTemplate other = new StackTemplate("cms-app--api", Map.of("Resources", Map.of(
                "WorkGroup", Map.of("Type", "AWS::Athena::WorkGroup", "Properties", Map.of("Name", "other-wg")),
                "Rule", Map.of("Type", "AWS::IoT::TopicRule", "Properties", Map.of("RuleName", "cms-rule")),
                "Database", Map.of("Type", "AWS::Glue::Database", "Properties",
                        Map.of("DatabaseInput", Map.of("Name", "cms_lake"))))));
        assertThat(outsideThePatterns(statements, List.of(other))).hasSize(2)
                .anyMatch(line -> line.contains("athena:CreateWorkGroup") && line.contains("workgroup/other-wg"))
                .anyMatch(line -> line.contains("iot:CreateTopicRule") && line.contains("rule/cms-rule"));
    }

    @Test
    void resourcesCreatedUnderATagConditionCarryTheSolutionTag() {
        assertThat(untaggedButTagConditioned(statements, moduleTemplates))
                .as("created with %s=SO0241 required, but not tagged", SOLUTION_TAG).isEmpty();
    }

    @Test
    void reportsAnUntaggedGraphqlApi() {
        StackTemplate untagged = new StackTemplate("cms-app--api", Map.of("Resources", Map.of(
                "Api", Map.of("Type", "AWS::AppSync::GraphQLApi", "Properties", Map.of("Name", "cms-api")),
                "Queue", Map.of("Type", "AWS::SQS::Queue"))));
        assertThat(untaggedButTagConditioned(statements, List.of(untagged)))
                .containsExactly("AWS::AppSync::GraphQLApi cms-app--api/Api");
    }

    @Test
    void customResourceProvidersAreFunctionsTheRoleMayInvoke() {
        List<String> notInvokable = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        forEachResource((stack, id, resource) -> {
            if (!isCustomResource(type(resource))) {
                return;
            }
            seen.add(type(resource));
            String arn = providerArn(stack, resource);
            boolean covered = arn != null && allowing(statements, CUSTOM_RESOURCE).stream()
                    .anyMatch(s -> resources(s).stream().anyMatch(pattern -> globMatches(pattern, arn)));
            if (!covered) {
                notInvokable.add(type(resource) + " " + stack.stackName() + "/" + id + " -> " + arn);
            }
        });
        assertThat(seen).as("the fixture has custom resources").isNotEmpty();
        assertThat(notInvokable).isEmpty();
    }

    @Test
    void reportsATypeTheRoleHasNoStatementFor() {
        List<Map<String, Object>> withoutAppSync = statements.stream()
                .filter(s -> !String.valueOf(s.get("Action")).contains("appsync:")).toList();
        assertThat(missingActions(withoutAppSync, moduleTemplates)).containsKeys("AWS::AppSync::GraphQLApi",
                "AWS::AppSync::Resolver").doesNotContainKey("AWS::SQS::Queue");
    }

    @Test
    void aDenyStatementDoesNotCountAsAGrant() {
        Map<String, Object> deny = new LinkedHashMap<>(Map.of("Effect", "Deny", "Action", List.of("sqs:*"),
                "Resource", "*"));
        List<Map<String, Object>> onlyDeny = List.of(deny);
        assertThat(missingActions(onlyDeny, moduleTemplates)).containsKey("AWS::SQS::Queue");
    }

    @Test
    void deployerRoleStackHasNoUnsuppressedNagFinding() {
        assertThat(CmsSynth.problems(roleAssembly)).isEmpty();
    }

    @Test
    void deployerRoleStackPassesTheControlTowerGuardRules() throws Exception {
        Path template = Path.of(roleAssembly.getDirectory(), deployerStack.getTemplateFile());
        assertThat(CfnGuard.validate(LambdaAssets.repositoryRoot(), template)).isEmpty();
    }

    // ---------------------------------------------------------------- checking

    interface ResourceVisitor {
        void visit(StackTemplate stack, String logicalId, Map<String, Object> resource);
    }

    private void forEachResource(ResourceVisitor visitor) {
        forEachResource(moduleTemplates, visitor);
    }

    @SuppressWarnings("unchecked")
    private static void forEachResource(List<StackTemplate> templates, ResourceVisitor visitor) {
        for (StackTemplate stack : templates) {
            Map<String, Object> resources = (Map<String, Object>) stack.template().get("Resources");
            resources.forEach((id, r) -> visitor.visit(stack, id, (Map<String, Object>) r));
        }
    }

    /** Resources whose create action is allowed only with the solution request tag, but that lack the tag. */
    static List<String> untaggedButTagConditioned(List<Map<String, Object>> statements,
            List<StackTemplate> templates) {
        List<String> untagged = new ArrayList<>();
        forEachResource(templates, (stack, id, resource) -> {
            String type = type(resource);
            if (isCustomResource(type)) {
                return;
            }
            String create = REQUIRED_ACTIONS.get(type).get(0);
            List<Map<String, Object>> allowing = allowing(statements, create);
            boolean onlyTagConditioned = !allowing.isEmpty() && allowing.stream().allMatch(s ->
                    String.valueOf(s.get("Condition")).contains("aws:RequestTag/" + SOLUTION_TAG));
            if (onlyTagConditioned && !"SO0241".equals(tagValue(resource, SOLUTION_TAG))) {
                untagged.add(type + " " + stack.stackName() + "/" + id);
            }
        });
        return untagged;
    }

    /** Named (or stack-name-generated) resources whose create action is not allowed on their ARN. */
    static List<String> outsideThePatterns(List<Map<String, Object>> statements, List<StackTemplate> templates) {
        List<String> outside = new ArrayList<>();
        forEachResource(templates, (stack, id, resource) -> {
            String type = type(resource);
            String arn = arnOf(stack, id, resource);
            if (arn == null) {
                return;
            }
            String create = REQUIRED_ACTIONS.get(type).get(0);
            boolean covered = allowing(statements, create).stream()
                    .anyMatch(s -> resources(s).stream().anyMatch(pattern -> globMatches(pattern, arn)));
            if (!covered) {
                outside.add(type + " " + stack.stackName() + "/" + id + ": " + create + " not allowed on " + arn);
            }
        });
        return outside;
    }

    /** Resource type → the required actions no Allow statement grants (custom resources need Invoke). */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> missingActions(List<Map<String, Object>> statements,
            List<StackTemplate> templates) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (StackTemplate stack : templates) {
            for (Object r : ((Map<String, Object>) stack.template().get("Resources")).values()) {
                String type = type((Map<String, Object>) r);
                List<String> required = isCustomResource(type) ? List.of(CUSTOM_RESOURCE)
                        : REQUIRED_ACTIONS.getOrDefault(type, List.of());
                for (String action : required) {
                    if (allowing(statements, action).isEmpty()) {
                        List<String> list = missing.computeIfAbsent(type, t -> new ArrayList<>());
                        if (!list.contains(action)) {
                            list.add(action);
                        }
                    }
                }
            }
        }
        return missing;
    }

    private static List<Map<String, Object>> allowing(List<Map<String, Object>> statements, String action) {
        return statements.stream()
                .filter(s -> "Allow".equals(s.get("Effect")))
                .filter(s -> strings(s.get("Action")).stream().anyMatch(a -> actionMatches(a, action)))
                .toList();
    }

    /** IAM action names are case-insensitive; {@code *} and {@code ?} are wildcards. */
    private static boolean actionMatches(String pattern, String action) {
        return glob(pattern.toLowerCase(Locale.ROOT)).matcher(action.toLowerCase(Locale.ROOT)).matches();
    }

    private static boolean globMatches(String pattern, String arn) {
        return glob(pattern).matcher(arn).matches();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static boolean isCustomResource(String type) {
        return type.startsWith("Custom::") || "AWS::CloudFormation::CustomResource".equals(type);
    }

    private static String type(Map<String, Object> resource) {
        return (String) resource.get("Type");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Map<String, Object> resource) {
        Object p = resource.get("Properties");
        return p == null ? Map.of() : (Map<String, Object>) p;
    }

    /**
     * The resource's ARN with {partition}/{region}/{account} tokens (as the role's ARNs render), or null
     * when the type is not name-scoped. Unnamed resources get CloudFormation's generated name
     * {@code {stackName}-{logicalId}-{random}}.
     */
    @SuppressWarnings("unchecked")
    private static String arnOf(StackTemplate stack, String id, Map<String, Object> resource) {
        Map<String, Object> p = props(resource);
        String generated = stack.stackName() + "-" + id + "-RANDOM1234";
        String regional = "arn:{partition}:%s:{region}:{account}:%s";
        return switch (type(resource)) {
            case "AWS::Lambda::Function" -> regional.formatted("lambda", "function:" + name(p, "FunctionName", generated));
            case "AWS::IAM::Role" -> "arn:{partition}:iam::{account}:role/" + name(p, "RoleName", generated);
            case "AWS::Logs::LogGroup" -> regional.formatted("logs", "log-group:" + name(p, "LogGroupName", generated));
            case "AWS::DynamoDB::Table" -> regional.formatted("dynamodb", "table/" + name(p, "TableName", generated));
            case "AWS::SQS::Queue" -> regional.formatted("sqs", name(p, "QueueName", generated));
            case "AWS::SNS::Topic" -> regional.formatted("sns", name(p, "TopicName", generated));
            case "AWS::S3::Bucket" -> "arn:{partition}:s3:::"
                    + name(p, "BucketName", generated.toLowerCase(Locale.ROOT));
            case "AWS::SecretsManager::Secret" -> regional.formatted("secretsmanager",
                    "secret:" + name(p, "Name", generated) + "-AbCdEf");
            case "AWS::SSM::Parameter" -> regional.formatted("ssm", "parameter" + name(p, "Name", "/" + generated));
            case "AWS::Athena::WorkGroup" -> regional.formatted("athena", "workgroup/" + name(p, "Name", generated));
            case "AWS::Glue::Database" -> regional.formatted("glue", "database/"
                    + name((Map<String, Object>) p.get("DatabaseInput"), "Name", generated));
            case "AWS::Glue::Table" -> regional.formatted("glue", "table/" + name(p, "DatabaseName", generated) + "/"
                    + name((Map<String, Object>) p.get("TableInput"), "Name", generated));
            case "AWS::KinesisFirehose::DeliveryStream" -> regional.formatted("firehose",
                    "deliverystream/" + name(p, "DeliveryStreamName", generated));
            case "AWS::IoT::TopicRule" -> regional.formatted("iot", "rule/" + name(p, "RuleName", generated));
            case "AWS::Events::Rule" -> regional.formatted("events", "rule/" + name(p, "Name", generated));
            case "AWS::IoT::Policy" -> regional.formatted("iot", "policy/" + name(p, "PolicyName", generated));
            case "AWS::IoT::ProvisioningTemplate" -> regional.formatted("iot",
                    "provisioningtemplate/" + name(p, "TemplateName", generated));
            default -> null;
        };
    }

    /** The Lambda ARN behind a custom resource's ServiceToken (function or alias of this template). */
    @SuppressWarnings("unchecked")
    private static String providerArn(StackTemplate stack, Map<String, Object> resource) {
        String target = logicalIdIn(props(resource).get("ServiceToken"));
        Map<String, Object> resources = (Map<String, Object>) stack.template().get("Resources");
        Map<String, Object> provider = target == null ? null : (Map<String, Object>) resources.get(target);
        if (provider == null) {
            return null;
        }
        String suffix = "";
        if ("AWS::Lambda::Alias".equals(type(provider))) {
            suffix = ":" + props(provider).get("Name");
            target = logicalIdIn(props(provider).get("FunctionName"));
            provider = target == null ? null : (Map<String, Object>) resources.get(target);
            if (provider == null) {
                return null;
            }
        }
        if (!"AWS::Lambda::Function".equals(type(provider))) {
            return null;
        }
        return arnOf(stack, target, provider) + suffix;
    }

    @SuppressWarnings("unchecked")
    private static String logicalIdIn(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.get("Ref") instanceof String ref) {
                return ref;
            }
            if (map.get("Fn::GetAtt") instanceof List<?> getAtt) {
                return (String) getAtt.get(0);
            }
        }
        return null;
    }

    /** A name property rendered like the role's ARNs; unresolvable parts (ids of other resources) as TOKEN. */
    private static String name(Map<String, Object> props, String key, String generated) {
        Object value = props == null ? null : props.get(key);
        return value == null ? generated : render(value);
    }

    @SuppressWarnings("unchecked")
    private static String render(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.get("Ref") instanceof String ref) {
                return switch (ref) {
                    case "AWS::Partition" -> "{partition}";
                    case "AWS::Region" -> "{region}";
                    case "AWS::AccountId" -> "{account}";
                    default -> "TOKEN";
                };
            }
            if (map.get("Fn::Join") instanceof List<?> join) {
                List<String> parts = new ArrayList<>();
                for (Object part : (List<Object>) join.get(1)) {
                    parts.add(render(part));
                }
                return String.join((String) join.get(0), parts);
            }
        }
        return "TOKEN";
    }

    @SuppressWarnings("unchecked")
    private static String tagValue(Map<String, Object> resource, String key) {
        Map<String, Object> p = props(resource);
        Object tags = p.containsKey("Tags") ? p.get("Tags") : p.get("UserPoolTags");
        if (tags instanceof List<?> list) {
            for (Object t : list) {
                Map<String, Object> tag = (Map<String, Object>) t;
                if (key.equals(tag.get("Key"))) {
                    return String.valueOf(tag.get("Value"));
                }
            }
        } else if (tags instanceof Map<?, ?> map) {
            Object v = map.get(key);
            return v == null ? null : String.valueOf(v);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOf(Map<String, Object> template) {
        List<Map<String, Object>> out = new ArrayList<>();
        ((Map<String, Object>) template.get("Resources")).values().forEach(r -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            // the policies of the role; the permissions boundary policy is attached to no role and grants nothing
            if ("AWS::IAM::ManagedPolicy".equals(resource.get("Type")) && props(resource).containsKey("Roles")) {
                Map<String, Object> doc = (Map<String, Object>) props(resource).get("PolicyDocument");
                out.addAll((List<Map<String, Object>>) doc.get("Statement"));
            }
        });
        return out;
    }

    /** The statement's resources rendered as patterns ({partition}/{region}/{account} tokens kept). */
    private static List<String> resources(Map<String, Object> statement) {
        Object r = statement.get("Resource");
        List<String> out = new ArrayList<>();
        for (Object each : r instanceof List<?> list ? list : List.of(r)) {
            out.add(render(each));
        }
        return out;
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
