package io.cms.constructs.secure;

import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.CfnPolicy;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * Logs of a provider function CDK adds to a stack, in either of its two shapes: plain CloudFormation
 * (the {@code Handler} and {@code Role} of a {@code CustomResourceProvider}, such as the one behind
 * {@code Vpc.restrictDefaultSecurityGroup}) or an L2 {@link Function} (the singleton function behind
 * {@code AwsCustomResource}). CDK gives that function no {@code LoggingConfig}, so
 * Lambda writes to {@code /aws/lambda/{name}}, a log group it creates on first use that never
 * expires and outlives the stack, and gives its role the AWS-managed AWSLambdaBasicExecutionRole
 * (create and write every log group of the account). {@link #attach} gives the function its own
 * log group with the CMS retention and lets the role write only there.
 */
public final class ProviderLogs {

    private ProviderLogs() {
    }

    /**
     * Gives the provider {@code providerId} (a child of {@code scope}'s stack) the log group
     * {@code id}, created in {@code scope}, and returns it.
     *
     * @throws IllegalStateException if the stack has no such provider (CDK changed how it builds it)
     */
    public static LogGroup attach(Construct scope, String id, String providerId) {
        IConstruct provider = Stack.of(scope).getNode().tryFindChild(providerId);
        CfnResource handler;
        CfnResource role;
        if (provider instanceof Function function) {
            handler = (CfnFunction) function.getNode().getDefaultChild();
            role = (CfnRole) function.getRole().getNode().getDefaultChild();
        } else {
            handler = cfn(child(provider, "Handler"), providerId, "AWS::Lambda::Function");
            role = cfn(child(provider, "Role"), providerId, "AWS::IAM::Role");
        }

        LogGroup logs = LogGroup.Builder.create(scope, id)
                .retention(JavaFunctionProps.DEFAULT_LOG_RETENTION)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        if (handler instanceof CfnFunction function) {
            function.setLoggingConfig(CfnFunction.LoggingConfigProperty.builder()
                    .logGroup(logs.getLogGroupName()).build());
        } else {
            handler.addPropertyOverride("LoggingConfig", Map.of("LogGroup", logs.getLogGroupName()));
        }

        if (role instanceof CfnRole cfnRole) {
            cfnRole.setManagedPolicyArns((List<String>) null);
        } else {
            role.addPropertyDeletionOverride("ManagedPolicyArns");
        }
        CfnPolicy write = CfnPolicy.Builder.create(scope, id + "Write")
                .policyName("WriteOwnLogGroup")
                .roles(List.of(role.getRef()))
                .policyDocument(PolicyDocument.Builder.create().statements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                        .resources(List.of(logs.getLogGroupArn()))
                        .build())).build())
                .build();
        // Created before the function and deleted after it (and after its custom resource's Delete).
        handler.addDependency(write);
        handler.addDependency((CfnLogGroup) logs.getNode().getDefaultChild());
        return logs;
    }

    private static IConstruct child(IConstruct provider, String id) {
        return provider == null ? null : provider.getNode().tryFindChild(id);
    }

    private static CfnResource cfn(IConstruct resource, String providerId, String type) {
        if (resource instanceof CfnResource cfn && type.equals(cfn.getCfnResourceType())) {
            return cfn;
        }
        throw new IllegalStateException("CDK's provider " + providerId + " has no " + type
                + "; the CDK version changed how it builds the provider");
    }
}
