package io.cms.constructs.lambda;

import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.Solution;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.DeadLetterQueues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * A Java Lambda the way every CMS module runs one: runtime java21 on arm64, SnapStart on a
 * published version behind the {@code live} alias (callers and triggers use the alias), a log
 * group with retention, X-Ray tracing, its own least-privilege role, optional VPC placement and
 * an optional encrypted dead-letter queue for asynchronous invocations.
 */
public class JavaFunction extends Construct {

    /** The runtime every CMS function uses. */
    public static final Runtime RUNTIME = Runtime.JAVA_21;
    /** The alias triggers and callers invoke. */
    public static final String ALIAS = "live";

    private final Function function;
    private final Alias alias;
    private final LogGroup logGroup;
    private final Role role;
    private final Queue deadLetterQueue;

    public JavaFunction(Construct scope, String id, JavaFunctionProps props) {
        super(scope, id);
        CmsModuleStack stack = (CmsModuleStack) Stack.of(this);
        String functionName = stack.naming().lambdaName(props.name());

        this.logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Execution role of " + functionName)
                .build();
        logGroup.grantWrite(role);

        if (props.deadLetterQueue()) {
            this.deadLetterQueue = DeadLetterQueues.create(this, "Dlq", null,
                    "This queue is the dead-letter queue of " + functionName + "; a DLQ of a DLQ would hide failures");
        } else {
            this.deadLetterQueue = null;
        }

        Map<String, String> env = new LinkedHashMap<>();
        env.put("USER_AGENT_STRING", Solution.userAgent(stack.module()));
        // C1 only: measured to cut JVM cold start by about 15 % for short-lived handlers.
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        env.putAll(props.environment());

        Function.Builder builder = Function.Builder.create(this, "Function")
                .functionName(functionName)
                .description(props.description())
                .runtime(RUNTIME)
                .architecture(Architecture.ARM_64)
                .handler(props.handler())
                .code(Code.fromAsset(LambdaAssets.jar(props.lambdaModule())))
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .environment(env)
                .tracing(Tracing.ACTIVE)
                .logGroup(logGroup)
                .role(role);
        if (props.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        if (props.ephemeralStorageMb() != JavaFunctionProps.DEFAULT_EPHEMERAL_STORAGE_MB) {
            builder.ephemeralStorageSize(Size.mebibytes(props.ephemeralStorageMb()));
        }
        if (deadLetterQueue != null) {
            builder.deadLetterQueue(deadLetterQueue);
        }
        if (props.vpc() != null) {
            // CDK adds this policy only to roles it creates itself; without it Lambda cannot create the
            // function's network interfaces and the deployment fails.
            role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole"));
            builder.vpc(props.vpc())
                    .vpcSubnets(props.vpcSubnets() != null ? props.vpcSubnets()
                            : SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                    .securityGroups(List.of(props.securityGroup() != null ? props.securityGroup()
                            : SecurityGroup.Builder.create(this, "SecurityGroup")
                                    .vpc(props.vpc())
                                    .description("Egress-only security group of " + functionName)
                                    .allowAllOutbound(true)
                                    .build()));
        }
        this.function = builder.build();
        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();

        Nag.suppress(role, "AwsSolutions-IAM5",
                "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions, and log stream"
                        + " names inside the function's own log group are generated by Lambda",
                "Resource::*", "/^Resource::<.*Logs.*\\.Arn>:\\*$/");
        if (props.vpc() != null) {
            Nag.suppress(role, "AwsSolutions-IAM4",
                    "AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for creating the function's ENIs",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
        }
        Nag.suppress(function, "AwsSolutions-L1",
                "The design fixes java21 (LTS) for SnapStart and CRaC priming, validated with the project's Java 17"
                        + " bytecode; a runtime upgrade is a deliberate, tested change");
    }

    /** Lets this function's role perform {@code statement}. */
    public void addToRolePolicy(PolicyStatement statement) {
        role.addToPrincipalPolicy(statement);
    }

    public Function function() {
        return function;
    }

    /** The alias every trigger and caller should use (SnapStart applies to published versions). */
    public Alias alias() {
        return alias;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    public Role role() {
        return role;
    }

    /** The DLQ, or null when {@code deadLetterQueue} was false. */
    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
