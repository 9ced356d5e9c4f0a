package io.cms.constructs.deploy;

import io.cms.constructs.AppUniqueId;
import io.cms.constructs.CmsContext;
import io.cms.constructs.Solution;
import io.cms.constructs.nag.Nag;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PermissionsBoundary;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The customer managed policy {@code {app}-permissions-boundary}: the permissions boundary of every IAM role
 * a CMS module stack creates. It lives in its own stack {@code {app}-cms-permissions-boundary} ({@link #addStack},
 * construct id {@value #STACK_ID}), which needs no setting beyond the deployment's names and is deployed before
 * any module stack: by {@code make deploy} itself (first in DEPLOY_ORDER), or once by an administrator for
 * Backstage and one-click ({@code permissions-boundary.template}). {@link ScopedDeployerRole} refers to it by
 * its ARN ({@link #arnOf}) and may create or change a role only when the role carries it; {@link #applyTo} sets
 * it on every role of the module stacks, including the roles CDK creates itself (custom resource providers).
 *
 * <p>It allows only the actions the module roles use (see {@code EveryRoleHasThePermissionsBoundaryTest},
 * which fails when a role needs more) and denies every IAM change, so a role created by the deployer can
 * never create or widen a role, nor change or remove this boundary. It allows no {@code iam:PassRole} at all,
 * so a bounded role can pass no role (no CMS role needs to at runtime).
 */
public final class CmsPermissionsBoundary extends Construct {

    /** The construct id of the boundary stack in the all-modules app (first in the Makefile's DEPLOY_ORDER). */
    public static final String STACK_ID = "PermissionsBoundary";

    /**
     * @param context the deployment's names: the policy is named {@code {app}-permissions-boundary}, and the
     *        functions named by {@link #rolePrefixes} are the only ones a bounded role may invoke
     */
    public CmsPermissionsBoundary(Construct scope, String id, CmsContext context) {
        super(scope, id);
        String app = context.appUniqueId();
        List<String> functions = new ArrayList<>();
        for (String p : rolePrefixes(context)) {
            functions.add(regional("lambda", "function:" + p + "*"));
        }
        ManagedPolicy.Builder.create(this, "Policy")
                .managedPolicyName(policyName(app))
                .description("CMS '" + app + "': permissions boundary of every CMS role (no IAM changes)")
                .statements(List.of(
                        allow("CmsDataPlane", DATA_PLANE_ACTIONS, List.of("*")),
                        allow("InvokeCmsFunctions", List.of("lambda:InvokeFunction"), functions),
                        deny("NoIamChanges", List.of("iam:Add*", "iam:Attach*", "iam:Create*", "iam:Delete*",
                                "iam:Detach*", "iam:Put*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*",
                                "iam:Update*", "iam:Upload*"), List.of("*"))))
                .build();
        Nag.suppress(this, "AwsSolutions-IAM5", "A permissions boundary grants nothing by itself: it caps CMS"
                + " roles at the data-plane actions their own policies scope to CMS resources; Lambda is limited"
                + " to the CMS function prefixes and every IAM change is denied");
    }

    /**
     * The data-plane actions of the module roles (from the synthesized templates), plus the ENI actions of
     * the AWS managed {@code AWSLambdaVPCAccessExecutionRole} that VPC-attached functions use. No IAM, no
     * STS, no {@code ssm:SendCommand}, no {@code lambda:UpdateFunctionCode}, no EC2 instances.
     */
    public static final List<String> DATA_PLANE_ACTIONS = List.of(
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords",
            "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem", "dynamodb:DescribeStream",
            "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
            "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
            "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts",
            "s3:GetBucketLocation",
            "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*",
            "sns:Publish", "sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:Subscribe",
            "sns:Unsubscribe", "sns:GetSubscriptionAttributes",
            "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
            "iot:Describe*", "iot:Get*", "iot:List*", "iot:AttachPolicy", "iot:DetachPolicy",
            "iot:AttachThingPrincipal", "iot:DetachThingPrincipal", "iot:CreateThing", "iot:UpdateThing",
            "iot:CreateKeysAndCertificate", "iot:RegisterCertificateWithoutCA", "iot:UpdateCertificate",
            "iot:DeleteCertificate", "iot:UpdateEventConfigurations",
            "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
            "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:CreateSecret",
            "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:UpdateSecretVersionStage",
            "secretsmanager:GetRandomPassword",
            "cognito-idp:DescribeUserPoolClient",
            "firehose:PutRecord", "firehose:PutRecordBatch",
            "glue:GetDatabase", "glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions",
            "glue:GetPartition", "glue:GetPartitions",
            "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
            "athena:StopQueryExecution",
            "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ec2:DescribeSubnets",
            "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress");

    /**
     * Adds the stack {@code {app}-cms-permissions-boundary} holding the boundary policy to {@code app}: the
     * role prefixes come from the deployment's names ({@link #rolePrefixes}), so it needs no other setting.
     */
    public static Stack addStack(App app, CmsContext context) {
        String appUniqueId = context.appUniqueId();
        Stack stack = new Stack(app, STACK_ID, StackProps.builder()
                .stackName(stackName(appUniqueId))
                .description("(" + Solution.ID + ") " + Solution.NAME + " - permissions boundary of every role of"
                        + " the CMS deployment '" + appUniqueId + "'. Version " + Solution.version())
                .build());
        new CmsPermissionsBoundary(stack, "Boundary", context);
        return stack;
    }

    /** {@code {app}-cms-permissions-boundary}: the CloudFormation name of the boundary stack. */
    public static String stackName(String app) {
        return AppUniqueId.validate(app) + "-cms-permissions-boundary";
    }

    /** The name prefixes of a deployment's roles and functions: {@code {app}-}, {@code {vpc}-vpc}, {@code {idp}-auth-setup}. */
    public static List<String> rolePrefixes(CmsContext context) {
        return List.of(context.appUniqueId() + "-", context.vpcName() + "-vpc",
                context.identityProviderId() + "-auth-setup");
    }

    /**
     * The boundary's ARN built from the partition, the account and the fixed name (no cross-stack reference, so
     * the boundary stack and the stacks referring to it can be updated independently).
     */
    public static String arnOf(String app) {
        return "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":policy/" + policyName(app);
    }

    /** {@code {app}-permissions-boundary}. */
    public static String policyName(String app) {
        return AppUniqueId.validate(app) + "-permissions-boundary";
    }

    /**
     * Sets {@code {app}-permissions-boundary} on every IAM role (and user) of every stack in {@code app},
     * including roles CDK adds as plain CloudFormation resources. Call it after the stacks are created.
     */
    public static void applyTo(App app, String appUniqueId) {
        String name = policyName(appUniqueId);
        for (IConstruct child : app.getNode().getChildren()) {
            if (child instanceof Stack stack) {
                PermissionsBoundary.of(stack).apply(ManagedPolicy.fromManagedPolicyName(stack,
                        "CmsPermissionsBoundary", name));
            }
        }
    }

    private static String regional(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
                .build();
    }

    private static PolicyStatement deny(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.DENY).actions(actions).resources(resources)
                .build();
    }
}
