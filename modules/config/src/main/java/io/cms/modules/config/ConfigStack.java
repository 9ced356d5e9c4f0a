package io.cms.modules.config;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * The Config module: registers the App Unique ID ({@code /solution/{app}}, which doubles as a
 * uniqueness lock and as the parameter every later module resolves), creates the deployment UUID,
 * the SSM lookup custom resource later modules use, and the shared configuration parameters.
 */
public class ConfigStack extends CmsModuleStack {

    private final StringParameter appRegistration;
    private final JavaFunction customResourceFunction;
    private final JavaFunction lookupFunction;
    private final CustomResource deploymentUuid;
    private final SsmOutputs outputs;

    public ConfigStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.CONFIG, context);

        this.appRegistration = StringParameter.Builder.create(this, "AppRegistration")
                .parameterName(naming().appParameter())
                .stringValue(context.appUniqueId())
                .description("Registers the CMS deployment " + context.appUniqueId()
                        + "; a second Config stack with the same id fails on this name")
                .build();

        this.customResourceFunction = new JavaFunction(this, "CustomResource", JavaFunctionProps.builder()
                .name("custom-resource")
                .lambdaModule("config")
                .handler("io.cms.config.handler.DeploymentUuidHandler")
                .description("Creates the deployment UUID, stable across stack updates")
                .timeout(Duration.minutes(5))
                // Custom resources run once per deployment: a SnapStart snapshot would only slow deploys.
                .snapStart(false)
                .build());

        this.deploymentUuid = CustomResource.Builder.create(this, "DeploymentUuid")
                .serviceToken(customResourceFunction.alias().getFunctionArn())
                .resourceType("Custom::DeploymentUuid")
                .properties(Map.of("Resource", "CreateDeploymentUUID"))
                .build();
        deploymentUuid.getNode().addDependency(appRegistration);

        String lookupPrefix = naming().ssmPath("x").replaceAll("x$", "");
        this.lookupFunction = new JavaFunction(this, "ResourceLookup", JavaFunctionProps.builder()
                .name("aws-resource-lookup")
                .lambdaModule("config")
                .handler("io.cms.config.handler.ParameterLookupHandler")
                .description("Reads Config SSM parameters for other modules' stacks at deploy time")
                .timeout(Duration.minutes(5))
                .snapStart(false)
                .environment(Map.of("ALLOWED_PARAMETER_PREFIX", lookupPrefix))
                .build());
        lookupFunction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:GetParameter"))
                .resources(List.of(formatArn(software.amazon.awscdk.ArnComponents.builder()
                        .service("ssm")
                        .resource("parameter")
                        .resourceName(lookupPrefix.substring(1) + "*")
                        .build())))
                .build());
        io.cms.constructs.nag.Nag.suppress(lookupFunction.role(), "AwsSolutions-IAM5",
                "The lookup may read any parameter under /solution/{app}/config/, the Config module's own outputs,"
                        + " and nothing else",
                "/^Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter\\/solution\\/.*\\/config\\/\\*$/");

        this.outputs = new SsmOutputs(this, "Outputs", naming());
        outputs.publish("deployment-uuid", deploymentUuid.getAttString("SolutionUUID"),
                "Deployment UUID of " + context.appUniqueId());
        outputs.publish("auth/identity-provider-id", context.identityProviderId(), "Identity provider id used by Auth");
        outputs.publish("vpc/name", context.vpcName(), "Name of the VPC module deployment");
        outputs.publish("aws-resource-lookup-lambda/arn", lookupFunction.alias().getFunctionArn(),
                "Service token of the SSM lookup custom resource");
        outputs.publish("metrics/enabled", "No",
                "Anonymous usage metrics: this version collects and sends none");
        outputs.getNode().addDependency(appRegistration);
    }

    public StringParameter appRegistration() {
        return appRegistration;
    }

    public JavaFunction customResourceFunction() {
        return customResourceFunction;
    }

    public JavaFunction lookupFunction() {
        return lookupFunction;
    }

    public CustomResource deploymentUuid() {
        return deploymentUuid;
    }

    public SsmOutputs outputs() {
        return outputs;
    }
}
