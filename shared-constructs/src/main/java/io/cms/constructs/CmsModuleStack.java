package io.cms.constructs;

import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * Base of every module stack. It gives the module its naming helper, the {@code Solutions:*}
 * tags, a versioned description, and, for modules that depend on Config, the registration
 * parameter {@code /solution/{app}/{short}} whose value resolves {@code /solution/{app}} at
 * deploy time, so deploying a module before Config fails at once instead of half-way.
 *
 * <p>Stacks are environment-agnostic (no lookups), so synth needs no AWS account.
 */
public class CmsModuleStack extends Stack {

    private final CmsModule module;
    private final CmsContext context;
    private final Naming naming;
    private final StringParameter registration;

    public CmsModuleStack(Construct scope, CmsModule module, CmsContext context) {
        super(scope, constructIdOf(module), StackProps.builder()
                .stackName(cloudFormationNameOf(module, context))
                .description("(" + Solution.ID + "-" + module.capabilityId() + ") " + Solution.NAME + " - "
                        + module.displayName() + ". Version " + Solution.version())
                .build());
        this.module = module;
        this.context = context;
        this.naming = new Naming(context.appUniqueId(), module);

        Tags.of(this).add("Solutions:SolutionID", Solution.ID);
        Tags.of(this).add("Solutions:SolutionName", Solution.NAME);
        Tags.of(this).add("Solutions:SolutionVersion", Solution.version());
        Tags.of(this).add("Solutions:ApplicationType", Solution.APPLICATION_TYPE);
        Tags.of(this).add("Solutions:ModuleName", module.shortName());

        if (module.registersWithConfig()) {
            this.registration = StringParameter.Builder.create(this, "Registration")
                    .parameterName(naming.moduleParameter())
                    .stringValue("{{resolve:ssm:" + naming.appParameter() + "}}")
                    .description("Registers " + module.displayName() + " with the CMS deployment "
                            + context.appUniqueId() + "; fails when Config is not deployed")
                    .build();
            // Resources only: CloudFormation resolves dynamic references in resource properties, not in
            // stack tags, where the reference would stay a literal (and propagate as one).
            Tags.of(this).add("Solutions:DeploymentUUID",
                    "{{resolve:ssm:" + naming.ssmPathOf(CmsModule.CONFIG, "deployment-uuid") + "}}",
                    TagProps.builder().excludeResourceTypes(List.of("aws:cdk:stack")).build());
        } else {
            this.registration = null;
        }
    }

    /** The construct id of a module's stack inside the app (stable once released). */
    public static String constructIdOf(CmsModule module) {
        return switch (module) {
            case VPC -> "Vpc";
            case AUTH_SETUP -> "AuthSetup";
            default -> toPascal(module.shortName());
        };
    }

    /** The CloudFormation stack name, following the original's Makefile names. */
    public static String cloudFormationNameOf(CmsModule module, CmsContext context) {
        return switch (module) {
            case VPC -> context.vpcName() + "-vpc";
            case AUTH_SETUP -> context.identityProviderId() + "-auth-setup";
            default -> context.appUniqueId() + "-app--" + module.shortName();
        };
    }

    public CmsModule module() {
        return module;
    }

    public CmsContext cmsContext() {
        return context;
    }

    public Naming naming() {
        return naming;
    }

    /** The registration parameter, or null for modules deployed before Config. */
    public StringParameter registration() {
        return registration;
    }

    /** A CloudFormation dynamic reference that resolves an SSM parameter at deploy time. */
    public static String resolveSsm(String parameterName) {
        return "{{resolve:ssm:" + parameterName + "}}";
    }

    private static String toPascal(String shortName) {
        StringBuilder out = new StringBuilder();
        for (String part : shortName.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
