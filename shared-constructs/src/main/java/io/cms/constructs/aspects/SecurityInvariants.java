package io.cms.constructs.aspects;

import java.util.Set;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.constructs.IConstruct;

/**
 * Synth-time invariants that fail the build (as error annotations, which make {@code cdk synth}
 * and {@code make synth} exit non-zero): every log group has a retention, every bucket and table
 * is encrypted, every Lambda function's logs go to a log group with retention, and every Lambda
 * function runs on a supported runtime. "Every Lambda function" is every {@link CfnFunction} here; the
 * provider functions CDK writes as plain CloudFormation resources (whose properties an override may set,
 * which an aspect cannot read) are checked in their synthesized templates by the all-stacks test
 * {@code EveryLambdaFunctionLogsWithRetentionTest}.
 */
public class SecurityInvariants implements IAspect {

    /**
     * java21 for our functions; the Node.js runtimes CDK uses for its own provider functions
     * (bucket notifications, custom-resource providers), which we do not write.
     */
    public static final Set<String> SUPPORTED_RUNTIMES = Set.of("java21", "nodejs20.x", "nodejs22.x", "nodejs24.x", "python3.12", "python3.13");

    @Override
    public void visit(IConstruct node) {
        if (node instanceof CfnLogGroup logGroup) {
            if (logGroup.getRetentionInDays() == null) {
                error(node, "log group has no retention (set retentionInDays)");
            }
        } else if (node instanceof CfnBucket bucket) {
            if (bucket.getBucketEncryption() == null) {
                error(node, "bucket is not encrypted (set BucketEncryption)");
            }
        } else if (node instanceof CfnTable table) {
            Object sse = table.getSseSpecification();
            if (sse == null || !(Token.isUnresolved(sse) || isEnabled(sse))) {
                error(node, "table is not encrypted with KMS (set SSESpecification)");
            }
        } else if (node instanceof CfnFunction function) {
            checkFunction(node, function.getRuntime(), function.getLoggingConfig() != null);
        }
    }

    private static void checkFunction(IConstruct node, String runtime, boolean hasLoggingConfig) {
        if (runtime != null && !Token.isUnresolved(runtime) && !SUPPORTED_RUNTIMES.contains(runtime)) {
            error(node, "Lambda runtime " + runtime + " is not supported; use one of " + SUPPORTED_RUNTIMES);
        }
        if (!hasLoggingConfig) {
            error(node, "Lambda function has no log group with retention (use JavaFunction; for a CDK"
                    + " provider function, ProviderLogs)");
        }
    }

    private static boolean isEnabled(Object sse) {
        if (sse instanceof CfnTable.SSESpecificationProperty spec) {
            Object enabled = spec.getSseEnabled();
            return Boolean.TRUE.equals(enabled) || (enabled != null && Token.isUnresolved(enabled));
        }
        return true;
    }

    private static void error(IConstruct node, String message) {
        Annotations.of(node).addError("[CMS invariant] " + Stack.of(node).getStackName() + ": " + message);
    }
}
