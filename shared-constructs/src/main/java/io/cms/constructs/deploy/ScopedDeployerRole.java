package io.cms.constructs.deploy;

import io.cms.constructs.CmsContext;
import io.cms.constructs.Solution;
import io.cms.constructs.nag.Nag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The CloudFormation service role that Backstage deployments (and anyone deploying the one-click
 * templates) pass with {@code --role-arn}: CloudFormation may manage the resources of ONE CMS
 * deployment only, instead of the original's {@code *:*} administrator role.
 *
 * <p>Scoping, by what each service supports:
 * <ul>
 *   <li>by name: IAM roles, Lambda functions, log groups, DynamoDB tables, SQS queues, SNS topics,
 *       S3 buckets and IoT policies/templates must start with a CMS stack name or the App Unique ID
 *       ({@code {app}-}, {@code {vpcName}-vpc}, {@code {idp}-auth-setup}); Athena workgroups and Firehose
 *       delivery streams with {@code {app}-}; IoT rules and Glue databases/tables with {@code {app_}}
 *       (no hyphens allowed there); SSM parameters and
 *       secrets must live under {@code /solution/{app}}, {@code /solution/vpc/{vpcName}} or
 *       {@code /solution/auth/{idp}};</li>
 *   <li>by tag: KMS keys, Cognito user pools and AppSync GraphQL APIs carry
 *       {@code Solutions:SolutionID=SO0241} when created, and only keys/pools/APIs with that tag can be
 *       changed;</li>
 *   <li>IAM: roles can be created, and their policies written, only with the permissions boundary
 *       {@code {app}-permissions-boundary} ({@link CmsPermissionsBoundary}, deployed beforehand in its own
 *       stack and referred to here by its ARN), no role's boundary can be removed and the boundary policy can
 *       never be changed; trust policies ({@code iam:UpdateAssumeRolePolicy}, for which IAM supports no
 *       {@code iam:PermissionsBoundary} condition) are limited only by the role-name prefixes; roles can only
 *       be passed to the AWS services CMS uses, only AWS managed
 *       {@code service-role} policies can be attached;</li>
 *   <li>remaining broad (documented in docs/backstage.md): EC2 networking actions of the VPC module
 *       (EC2 has no name-based scoping for VPCs, subnets and routes), {@code Describe*}/{@code List*}
 *       reads, the account-level IoT event configuration, and AppSync data sources/resolvers and API log
 *       groups, which are addressed by the random API id ({@code apis/*}, {@code /aws/appsync/apis/*}).</li>
 * </ul>
 */
public final class ScopedDeployerRole extends Construct {

    /** The services the CMS roles may be passed to. */
    public static final List<String> PASS_ROLE_SERVICES = List.of("lambda.amazonaws.com", "iot.amazonaws.com",
            "vpc-flow-logs.amazonaws.com", "firehose.amazonaws.com", "states.amazonaws.com",
            "appsync.amazonaws.com", "glue.amazonaws.com", "events.amazonaws.com", "scheduler.amazonaws.com",
            "cognito-idp.amazonaws.com", "grafana.amazonaws.com", "iotfleetwise.amazonaws.com");

    private static final String SOLUTION_TAG = "Solutions:SolutionID";

    /** Role actions allowed only with {@code iam:PermissionsBoundary} equal to the CMS boundary's ARN. */
    public static final List<String> BOUNDED_ROLE_ACTIONS = List.of("iam:CreateRole", "iam:PutRolePolicy",
            "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary");

    /** Changes to the boundary policy, denied on exactly its ARN. */
    private static final List<String> BOUNDARY_POLICY_CHANGES = List.of("iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy");

    private final Role role;
    private final String boundaryArn;
    private final String app;
    private final List<String> namePrefixes;
    private final List<String> ssmPaths;

    public ScopedDeployerRole(Construct scope, String id, ScopedDeployerRoleProps props) {
        super(scope, id);
        CmsContext context = props.context();
        this.app = context.appUniqueId();
        this.namePrefixes = CmsPermissionsBoundary.rolePrefixes(context);
        this.ssmPaths = List.of("/solution/" + app, "/solution/vpc/" + context.vpcName(),
                "/solution/auth/" + context.identityProviderId());

        Role.Builder builder = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("cloudformation.amazonaws.com"))
                .description("CloudFormation service role for the CMS deployment '" + app
                        + "': manages only this deployment's resources (no *:*)");
        if (props.roleName() != null) {
            builder.roleName(props.roleName());
        }
        this.role = builder.build();

        this.boundaryArn = CmsPermissionsBoundary.arnOf(app);
        policy("Identity", List.of(iamRoles(), boundedRoleChanges(), passRole(),
                attachManagedServiceRolePolicies(), denySelfChange(), denyBoundaryRemoval(),
                denyBoundaryPolicyChange()));
        policy("Compute", List.of(lambdaFunctions(), lambdaEventSources(), lambdaCode(props.assetBucketBaseName()),
                logGroups(), readOnly()));
        policy("Data", List.of(ssmParameters(), secrets(), dynamoDbTables(), buckets(), queues(), topics()));
        policy("Keys", List.of(createTaggedKeys(), manageTaggedKeys(), keyAliases()));
        policy("UserPools", List.of(createTaggedUserPools(), manageTaggedUserPools()));
        policy("Network", List.of(vpcNetworking()));
        policy("Iot", List.of(iotNamed(), iotAccountEventConfiguration()));
        policy("Apis", List.of(createTaggedGraphqlApis(), manageTaggedGraphqlApis(), graphqlApiChildren(),
                appSyncLogGroups()));
        policy("Analytics", List.of(athenaWorkGroups(), glueCatalog(), firehoseStreams(), scheduleRules()));

        Nag.suppress(this, "AwsSolutions-IAM5", "A CloudFormation service role must create resources whose full"
                + " names are generated from the stack name, so resources are scoped by the CMS name prefix"
                + " ({app}-, {vpc}-vpc, {idp}-auth-setup, {app}_ for IoT rules and Glue) or by the"
                + " Solutions:SolutionID tag; the actions left on '*' are read-only, EC2 networking or the IoT"
                + " account event configuration; AppSync data sources, resolvers and API log groups are addressed"
                + " by the random API id (apis/* and /aws/appsync/apis/*), documented in docs/backstage.md");
    }

    /** The role CloudFormation assumes. */
    public Role getRole() {
        return role;
    }

    /**
     * The ARN of the permissions boundary every role the deployer creates must carry
     * ({@code {app}-permissions-boundary}, from the stack {@code {app}-cms-permissions-boundary}).
     */
    public String getPermissionsBoundaryArn() {
        return boundaryArn;
    }

    /** The name prefixes the role is limited to, e.g. {@code cms-}, {@code cms-vpc-vpc}. */
    public List<String> getNamePrefixes() {
        return namePrefixes;
    }

    /** The SSM parameter (and secret) paths the role is limited to. */
    public List<String> getSsmPaths() {
        return ssmPaths;
    }

    private void policy(String id, List<PolicyStatement> statements) {
        ManagedPolicy.Builder.create(this, id + "Policy")
                .description("CMS deployer (" + id + "): " + statements.size() + " scoped statements")
                .statements(statements)
                .roles(List.of(role))
                .build();
    }

    /**
     * Every CMS Lambda, rule and API has its own role; CloudFormation names them {@code {stackName}-...}.
     * These actions are limited only by the role-name prefixes. That includes {@code iam:UpdateAssumeRolePolicy}:
     * IAM supports no {@code iam:PermissionsBoundary} condition key for it, so it can change the trust policy
     * of any role named with a CMS prefix, including one that CMS did not create and that has no boundary.
     */
    private PolicyStatement iamRoles() {
        return allow("ManageCmsRoles", List.of("iam:DeleteRole", "iam:GetRole", "iam:UpdateRole",
                        "iam:UpdateAssumeRolePolicy",
                        "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
                        "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"),
                prefixed(p -> arn("iam", "", "role/" + p + "*")));
    }

    /**
     * Creating a role and writing its permissions only when the role carries the CMS permissions boundary:
     * a role the deployer creates can never do more than the boundary allows (no IAM, no escalation).
     */
    private PolicyStatement boundedRoleChanges() {
        return PolicyStatement.Builder.create().sid("CreateAndChangeOnlyBoundedCmsRoles").effect(Effect.ALLOW)
                .actions(BOUNDED_ROLE_ACTIONS)
                .resources(prefixed(p -> arn("iam", "", "role/" + p + "*")))
                .conditions(Map.of("StringEquals", Map.of("iam:PermissionsBoundary", boundaryArn)))
                .build();
    }

    /** Removing the permissions boundary from any role is never allowed. */
    private PolicyStatement denyBoundaryRemoval() {
        return PolicyStatement.Builder.create().sid("NeverRemoveABoundary").effect(Effect.DENY)
                .actions(List.of("iam:DeleteRolePermissionsBoundary"))
                .resources(List.of("*"))
                .build();
    }

    /** The boundary policy itself (and only it: the deployer is allowed no managed-policy change anyway). */
    private PolicyStatement denyBoundaryPolicyChange() {
        return PolicyStatement.Builder.create().sid("NeverChangeTheBoundaryPolicy").effect(Effect.DENY)
                .actions(BOUNDARY_POLICY_CHANGES)
                .resources(List.of(boundaryArn))
                .build();
    }

    /** Its own name may match a CMS prefix: never let a stack widen the deployer's own permissions. */
    private PolicyStatement denySelfChange() {
        return PolicyStatement.Builder.create().sid("NeverChangeTheDeployerRoleItself").effect(Effect.DENY)
                .actions(List.of("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy",
                        "iam:DetachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:DeleteRole",
                        "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:TagRole",
                        "iam:UntagRole", "iam:PassRole"))
                .resources(List.of(role.getRoleArn()))
                .build();
    }

    /** Only AWS managed service-role policies (e.g. VPC access for Lambda): never AdministratorAccess. */
    private PolicyStatement attachManagedServiceRolePolicies() {
        return PolicyStatement.Builder.create().sid("AttachOnlyAwsServiceRolePolicies").effect(Effect.ALLOW)
                .actions(List.of("iam:AttachRolePolicy"))
                .resources(prefixed(p -> arn("iam", "", "role/" + p + "*")))
                .conditions(Map.of("ArnLike", Map.of("iam:PolicyARN",
                        "arn:" + Aws.PARTITION + ":iam::aws:policy/service-role/*"),
                        "StringEquals", Map.of("iam:PermissionsBoundary", boundaryArn)))
                .build();
    }

    /** CMS roles may be handed only to the services that run CMS resources. */
    private PolicyStatement passRole() {
        return PolicyStatement.Builder.create().sid("PassCmsRolesToCmsServices").effect(Effect.ALLOW)
                .actions(List.of("iam:PassRole"))
                .resources(prefixed(p -> arn("iam", "", "role/" + p + "*")))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", PASS_ROLE_SERVICES)))
                .build();
    }

    /**
     * Functions are named {@code {app}-{module}-...} (or generated from the stack name); InvokeFunction is
     * how CloudFormation runs the CMS custom resource providers.
     */
    private PolicyStatement lambdaFunctions() {
        List<String> resources = new ArrayList<>();
        for (String p : namePrefixes) {
            resources.add(regional("lambda", "function:" + p + "*"));
        }
        return allow("ManageCmsFunctions", List.of("lambda:CreateFunction", "lambda:DeleteFunction",
                "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion", "lambda:ListVersionsByFunction",
                "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias", "lambda:GetAlias",
                "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy", "lambda:TagResource",
                "lambda:UntagResource", "lambda:ListTags", "lambda:PutFunctionConcurrency",
                "lambda:DeleteFunctionConcurrency", "lambda:PutFunctionEventInvokeConfig",
                "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig",
                "lambda:GetFunctionCodeSigningConfig", "lambda:GetRuntimeManagementConfig",
                "lambda:PutRuntimeManagementConfig", "lambda:GetFunctionRecursionConfig",
                "lambda:PutFunctionRecursionConfig", "lambda:InvokeFunction"), resources);
    }

    /**
     * Event source mappings have random UUID ARNs, so the statement is on {@code *} and limited by the
     * {@code lambda:FunctionArn} condition to CMS functions.
     */
    private PolicyStatement lambdaEventSources() {
        return PolicyStatement.Builder.create().sid("EventSourcesOfCmsFunctions").effect(Effect.ALLOW)
                .actions(List.of("lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping",
                        "lambda:DeleteEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:TagResource"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnLike", Map.of("lambda:FunctionArn",
                        prefixed(p -> regional("lambda", "function:" + p + "*")))))
                .build();
    }

    /** Lambda code is read from the one-click asset bucket of the region only. */
    private PolicyStatement lambdaCode(String assetBucketBaseName) {
        return allow("ReadLambdaCodeFromTheAssetBucket", List.of("s3:GetObject", "s3:GetObjectVersion"),
                List.of("arn:" + Aws.PARTITION + ":s3:::" + assetBucketBaseName + "-" + Aws.REGION + "/*"));
    }

    /** Log groups (and the streams Firehose writes to) carry a CMS prefix, or are Lambda groups of CMS functions. */
    private PolicyStatement logGroups() {
        List<String> resources = new ArrayList<>();
        for (String p : namePrefixes) {
            resources.add(regional("logs", "log-group:" + p + "*"));
            resources.add(regional("logs", "log-group:/aws/lambda/" + p + "*"));
        }
        return allow("ManageCmsLogGroups", List.of("logs:CreateLogGroup", "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey",
                "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup",
                "logs:UntagLogGroup", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
                "logs:PutDataProtectionPolicy", "logs:DeleteDataProtectionPolicy", "logs:CreateLogStream",
                "logs:DeleteLogStream", "logs:DescribeLogStreams"), resources);
    }

    /** Describe/List calls used by CloudFormation handlers; these APIs have no resource-level scoping. */
    private PolicyStatement readOnly() {
        return allow("DescribeAndList", List.of("ec2:Describe*", "logs:DescribeLogGroups", "ssm:DescribeParameters",
                "kms:ListAliases", "lambda:ListFunctions", "iam:ListRoles", "iot:Describe*", "iot:List*",
                "cognito-idp:DescribeUserPoolDomain", "sqs:ListQueues", "sns:ListTopics",
                "secretsmanager:ListSecrets"), List.of("*"));
    }

    /** Module outputs live under {@code /solution/{app}}; VPC and Auth Setup under their own paths. */
    private PolicyStatement ssmParameters() {
        List<String> resources = new ArrayList<>();
        for (String path : ssmPaths) {
            resources.add(regional("ssm", "parameter" + path));
            resources.add(regional("ssm", "parameter" + path + "/*"));
        }
        return allow("ManageCmsParameters", List.of("ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters",
                "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:AddTagsToResource",
                "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"), resources);
    }

    /** Secrets are named by SSM-style path or {@code {app}/{module}/...}; rotation is configured by CloudFormation. */
    private PolicyStatement secrets() {
        List<String> resources = new ArrayList<>();
        for (String path : ssmPaths) {
            resources.add(regional("secretsmanager", "secret:" + path + "/*"));
        }
        // module secrets are named {app}/{short}/{name} (Naming.secretName)
        resources.add(regional("secretsmanager", "secret:" + app + "/*"));
        return allow("ManageCmsSecrets", List.of("secretsmanager:CreateSecret", "secretsmanager:DeleteSecret",
                "secretsmanager:DescribeSecret", "secretsmanager:UpdateSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:GetSecretValue", "secretsmanager:TagResource", "secretsmanager:UntagResource",
                "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
                "secretsmanager:GetResourcePolicy", "secretsmanager:RotateSecret",
                "secretsmanager:CancelRotateSecret", "secretsmanager:GetRandomPassword"), resources);
    }

    /** Tables are generated from the stack name; their streams are {@code table/{name}/stream/*}. */
    private PolicyStatement dynamoDbTables() {
        List<String> resources = new ArrayList<>();
        for (String p : namePrefixes) {
            resources.add(regional("dynamodb", "table/" + p + "*"));
        }
        return allow("ManageCmsTables", List.of("dynamodb:CreateTable", "dynamodb:DeleteTable",
                "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:TagResource", "dynamodb:UntagResource",
                "dynamodb:ListTagsOfResource", "dynamodb:UpdateTimeToLive", "dynamodb:DescribeTimeToLive",
                "dynamodb:UpdateContinuousBackups", "dynamodb:DescribeContinuousBackups",
                "dynamodb:DescribeContributorInsights", "dynamodb:UpdateContributorInsights",
                "dynamodb:DescribeKinesisStreamingDestination", "dynamodb:PutResourcePolicy",
                "dynamodb:GetResourcePolicy", "dynamodb:DeleteResourcePolicy", "dynamodb:DescribeStream"), resources);
    }

    /** Buckets are generated from the (lower-cased) stack name. */
    private PolicyStatement buckets() {
        List<String> resources = new ArrayList<>();
        for (String p : namePrefixes) {
            resources.add("arn:" + Aws.PARTITION + ":s3:::" + p.toLowerCase(java.util.Locale.ROOT) + "*");
        }
        return allow("ManageCmsBuckets", List.of("s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket",
                "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration",
                "s3:GetEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration",
                "s3:PutAccelerateConfiguration", "s3:PutReplicationConfiguration", "s3:GetReplicationConfiguration",
                "s3:PutIntelligentTieringConfiguration", "s3:PutInventoryConfiguration",
                "s3:PutMetricsConfiguration", "s3:PutAnalyticsConfiguration"), resources);
    }

    /** Queues (DLQs, intake) are generated from the stack name. */
    private PolicyStatement queues() {
        return allow("ManageCmsQueues", List.of("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes",
                "sqs:SetQueueAttributes", "sqs:GetQueueUrl", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags",
                "sqs:AddPermission", "sqs:RemovePermission"), prefixed(p -> regional("sqs", p + "*")));
    }

    /** Topics are named {@code {app}-{module}-...} or generated from the stack name. */
    private PolicyStatement topics() {
        return allow("ManageCmsTopics", List.of("sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes",
                "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource",
                "sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes",
                "sns:ListSubscriptionsByTopic", "sns:AddPermission", "sns:RemovePermission",
                "sns:PutDataProtectionPolicy"), prefixed(p -> regional("sns", p + "*")));
    }

    /** Key ids are random: CreateKey is allowed only when the request tags the key as CMS. */
    private PolicyStatement createTaggedKeys() {
        return PolicyStatement.Builder.create().sid("CreateKeysTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("kms:CreateKey", "kms:TagResource"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:RequestTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /** Key administration and use (CreateGrant for Firehose/SQS/Secrets encryption) only on keys tagged as CMS. */
    private PolicyStatement manageTaggedKeys() {
        return PolicyStatement.Builder.create().sid("ManageKeysTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
                        "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:ListResourceTags",
                        "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription", "kms:EnableKey",
                        "kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias",
                        "kms:UpdateAlias", "kms:CreateGrant", "kms:Encrypt", "kms:Decrypt",
                        "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"))
                .resources(List.of(regional("kms", "key/*")))
                .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /** Aliases carry the CMS prefix. */
    private PolicyStatement keyAliases() {
        return allow("ManageCmsKeyAliases", List.of("kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"),
                prefixed(p -> regional("kms", "alias/" + p + "*")));
    }

    /** Pool ids are random: CreateUserPool is allowed only when the request tags the pool as CMS. */
    private PolicyStatement createTaggedUserPools() {
        return PolicyStatement.Builder.create().sid("CreateUserPoolsTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("cognito-idp:CreateUserPool", "cognito-idp:TagResource"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:RequestTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /** Auth Setup manages the pool and its clients, domain and resource servers: only pools tagged as CMS. */
    private PolicyStatement manageTaggedUserPools() {
        return PolicyStatement.Builder.create().sid("ManageUserPoolsTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool",
                        "cognito-idp:DeleteUserPool", "cognito-idp:SetUserPoolMfaConfig",
                        "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:CreateUserPoolClient",
                        "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient",
                        "cognito-idp:DescribeUserPoolClient", "cognito-idp:CreateUserPoolDomain",
                        "cognito-idp:UpdateUserPoolDomain", "cognito-idp:DeleteUserPoolDomain",
                        "cognito-idp:CreateResourceServer", "cognito-idp:UpdateResourceServer",
                        "cognito-idp:DeleteResourceServer", "cognito-idp:DescribeResourceServer",
                        "cognito-idp:SetRiskConfiguration", "cognito-idp:DescribeRiskConfiguration",
                        "cognito-idp:CreateGroup", "cognito-idp:DeleteGroup", "cognito-idp:UpdateGroup",
                        "cognito-idp:TagResource", "cognito-idp:UntagResource", "cognito-idp:ListTagsForResource"))
                .resources(List.of(regional("cognito-idp", "userpool/*")))
                .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /** EC2 networking has no names to scope by: networking actions only (no instances, images or account settings). */
    private PolicyStatement vpcNetworking() {
        return allow("VpcNetworking", List.of("ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
                "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute", "ec2:CreateRouteTable",
                "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
                "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:CreateInternetGateway",
                "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
                "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
                "ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint", "ec2:CreateFlowLogs",
                "ec2:DeleteFlowLogs", "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:CreateTags",
                "ec2:DeleteTags"), List.of("*"));
    }

    /** IoT rules allow no hyphens ({@code {app_}...}); policies, templates and thing groups are {@code {app}-...}. */
    private PolicyStatement iotNamed() {
        String rulePrefix = app.replace('-', '_') + "_";
        return allow("ManageCmsIotResources", List.of("iot:CreateTopicRule", "iot:ReplaceTopicRule",
                "iot:DeleteTopicRule", "iot:GetTopicRule", "iot:EnableTopicRule", "iot:DisableTopicRule",
                "iot:CreatePolicy", "iot:DeletePolicy", "iot:GetPolicy", "iot:CreatePolicyVersion",
                "iot:DeletePolicyVersion", "iot:ListPolicyVersions", "iot:CreateProvisioningTemplate",
                "iot:UpdateProvisioningTemplate", "iot:DeleteProvisioningTemplate",
                "iot:CreateProvisioningTemplateVersion", "iot:DeleteProvisioningTemplateVersion",
                "iot:CreateThingGroup", "iot:DeleteThingGroup", "iot:UpdateThingGroup", "iot:TagResource",
                "iot:UntagResource", "iot:ListTagsForResource"), List.of(
                regional("iot", "rule/" + rulePrefix + "*"),
                regional("iot", "policy/" + app + "-*"),
                regional("iot", "provisioningtemplate/" + app + "-*"),
                regional("iot", "thinggroup/" + app + "-*")));
    }

    /** Thing events are an account-level setting (no resource ARN). */
    private PolicyStatement iotAccountEventConfiguration() {
        return allow("IotThingEventConfiguration", List.of("iot:UpdateEventConfigurations",
                "iot:DescribeEventConfigurations"), List.of("*"));
    }

    /**
     * AppSync API ids are random, so CreateGraphqlApi cannot be limited by name: the request must tag the
     * new API as CMS ({@code Solutions:SolutionID}, set on every resource by CmsModuleStack).
     */
    private PolicyStatement createTaggedGraphqlApis() {
        return PolicyStatement.Builder.create().sid("CreateGraphqlApisTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("appsync:CreateGraphqlApi", "appsync:TagResource"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:RequestTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /** API-level changes (settings, schema, tags, deletion) only on APIs tagged as CMS. */
    private PolicyStatement manageTaggedGraphqlApis() {
        return PolicyStatement.Builder.create().sid("ManageGraphqlApisTaggedAsCms").effect(Effect.ALLOW)
                .actions(List.of("appsync:GetGraphqlApi", "appsync:UpdateGraphqlApi", "appsync:DeleteGraphqlApi",
                        "appsync:TagResource", "appsync:UntagResource", "appsync:ListTagsForResource",
                        "appsync:StartSchemaCreation", "appsync:GetSchemaCreationStatus",
                        "appsync:GetIntrospectionSchema", "appsync:GetGraphqlApiEnvironmentVariables",
                        "appsync:PutGraphqlApiEnvironmentVariables"))
                .resources(List.of(regional("appsync", "apis/*")))
                .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/" + SOLUTION_TAG, Solution.ID)))
                .build();
    }

    /**
     * Data sources and resolvers cannot carry tags and live under the random API id
     * ({@code apis/{apiId}/datasources/*}, {@code apis/{apiId}/types/*}): limited to this account and
     * region's AppSync APIs; creating or deleting a whole API still needs the tag above.
     */
    private PolicyStatement graphqlApiChildren() {
        return allow("ManageGraphqlApiDataSourcesAndResolvers", List.of("appsync:CreateDataSource",
                "appsync:UpdateDataSource", "appsync:DeleteDataSource", "appsync:GetDataSource",
                "appsync:CreateResolver", "appsync:UpdateResolver", "appsync:DeleteResolver", "appsync:GetResolver",
                "appsync:CreateFunction", "appsync:UpdateFunction", "appsync:DeleteFunction", "appsync:GetFunction"),
                List.of(regional("appsync", "apis/*")));
    }

    /** AppSync writes to {@code /aws/appsync/apis/{apiId}} (fixed by the service), so the group is named by id. */
    private PolicyStatement appSyncLogGroups() {
        return allow("ManageAppSyncApiLogGroups", List.of("logs:CreateLogGroup", "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey",
                "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"),
                List.of(regional("logs", "log-group:/aws/appsync/apis/*")));
    }

    /** Athena workgroups are named {@code {app}-{module}-...} (Naming.resourceName). */
    private PolicyStatement athenaWorkGroups() {
        return allow("ManageCmsAthenaWorkGroups", List.of("athena:CreateWorkGroup", "athena:GetWorkGroup",
                "athena:UpdateWorkGroup", "athena:DeleteWorkGroup", "athena:TagResource", "athena:UntagResource",
                "athena:ListTagsForResource"), List.of(regional("athena", "workgroup/" + app + "-*")));
    }

    /**
     * Glue names allow no hyphens: databases are {@code {app_}...} ({@code -} replaced by {@code _});
     * every Glue catalog action also needs the account's catalog ARN, and deleting a database also
     * deletes its tables and functions.
     */
    private PolicyStatement glueCatalog() {
        String prefix = app.replace('-', '_');
        return allow("ManageCmsGlueDatabasesAndTables", List.of("glue:CreateDatabase", "glue:GetDatabase",
                "glue:UpdateDatabase", "glue:DeleteDatabase", "glue:CreateTable", "glue:GetTable",
                "glue:GetTables", "glue:UpdateTable", "glue:DeleteTable", "glue:GetPartitions",
                "glue:BatchDeletePartition", "glue:TagResource", "glue:UntagResource", "glue:GetTags"), List.of(
                regional("glue", "catalog"),
                regional("glue", "database/" + prefix + "*"),
                regional("glue", "table/" + prefix + "*/*"),
                regional("glue", "userDefinedFunction/" + prefix + "*/*")));
    }

    /** Firehose delivery streams are named {@code {app}-{module}-...} (Naming.resourceName). */
    private PolicyStatement firehoseStreams() {
        return allow("ManageCmsDeliveryStreams", List.of("firehose:CreateDeliveryStream",
                "firehose:DescribeDeliveryStream", "firehose:UpdateDestination", "firehose:DeleteDeliveryStream",
                "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream", "firehose:ListTagsForDeliveryStream",
                "firehose:StartDeliveryStreamEncryption", "firehose:StopDeliveryStreamEncryption"),
                List.of(regional("firehose", "deliverystream/" + app + "-*")));
    }

    private List<String> prefixed(java.util.function.Function<String, String> arnOf) {
        List<String> out = new ArrayList<>();
        namePrefixes.forEach(p -> out.add(arnOf.apply(p)));
        return out;
    }

    private static String arn(String service, String region, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + region + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    private static String regional(String service, String resource) {
        return arn(service, Aws.REGION, resource);
    }

    /** EventBridge rules (the hourly lake compaction schedule) are named {@code {app}-{module}-...}. */
    private PolicyStatement scheduleRules() {
        return allow("ManageCmsScheduleRules", List.of("events:PutRule", "events:DescribeRule", "events:DeleteRule",
                "events:EnableRule", "events:DisableRule", "events:PutTargets", "events:RemoveTargets",
                "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource"),
                List.of(regional("events", "rule/" + app + "-*")));
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }
}
