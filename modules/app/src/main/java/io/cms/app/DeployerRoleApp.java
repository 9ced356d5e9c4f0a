package io.cms.app;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsSynth;
import io.cms.constructs.Solution;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import io.cms.constructs.deploy.ScopedDeployerRole;
import io.cms.constructs.deploy.ScopedDeployerRoleProps;
import io.cms.constructs.nag.Nag;
import java.io.PrintStream;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * Synthesizes the stack {@code {app}-cms-deployer-role} holding the {@link ScopedDeployerRole}
 * that Backstage deployment builds pass to CloudFormation. It is deployed once per CMS deployment by
 * an administrator (it is not a module, so it is not in {@link CmsApp}), after the permissions boundary
 * stack {@code {app}-cms-permissions-boundary} of {@link CmsApp}: the role refers to the boundary
 * {@code {app}-permissions-boundary} by its ARN (no cross-stack export) and may create roles only with it.
 * Settings: {@code appUniqueId}, {@code vpcName}, {@code identityProviderId} and
 * {@code assetBucketBaseName} from context or the environment.
 */
public final class DeployerRoleApp {

    private DeployerRoleApp() {
    }

    /** Adds the deployer-role stack to {@code app}. */
    public static Stack build(App app) {
        CmsContext context = CmsContext.from(app.getNode());
        String assetBucketBaseName = context.value("assetBucketBaseName", null);
        if (assetBucketBaseName == null) {
            throw new IllegalArgumentException("Parameter assetBucketBaseName is required: the deployer may read"
                    + " Lambda code only from {assetBucketBaseName}-{region}");
        }
        Stack stack = new Stack(app, "DeployerRole", StackProps.builder()
                .stackName(context.appUniqueId() + "-cms-deployer-role")
                .description("(" + Solution.ID + ") " + Solution.NAME + " - scoped CloudFormation deployer role for '"
                        + context.appUniqueId() + "'. Version " + Solution.version())
                .build());
        ScopedDeployerRole deployer = new ScopedDeployerRole(stack, "Deployer",
                ScopedDeployerRoleProps.of(context, assetBucketBaseName));
        CfnOutput.Builder.create(stack, "CloudFormationRoleArn")
                .description("Set as CLOUDFORMATION_ROLE_ARN of the Backstage deployment CodeBuild project")
                .value(deployer.getRole().getRoleArn())
                .build();
        CfnOutput.Builder.create(stack, "PermissionsBoundaryArn")
                .description("The permissions boundary every role of this deployment's module stacks carries"
                        + " (stack " + CmsPermissionsBoundary.stackName(context.appUniqueId()) + ")")
                .value(deployer.getPermissionsBoundaryArn())
                .build();
        Nag.apply(app);
        return stack;
    }

    /** Synthesizes and returns the exit code (1 on a cdk-nag finding, 2 on a bad setting). */
    public static int run(PrintStream out) {
        App app;
        Stack stack;
        try {
            app = CmsSynth.newApp();
            stack = build(app);
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.println("synth failed: " + e.getMessage());
            return 2;
        }
        CloudAssembly assembly = app.synth();
        List<String> problems = CmsSynth.problems(assembly);
        problems.forEach(p -> out.println("  " + p));
        out.println("  " + stack.getStackName() + " -> " + assembly.getDirectory() + "/" + stack.getTemplateFile());
        return problems.isEmpty() ? 0 : 1;
    }

    public static void main(String[] args) {
        System.exit(run(System.out));
    }
}
