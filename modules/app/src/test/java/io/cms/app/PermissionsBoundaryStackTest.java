package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.app.testing.CfnGuard;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import io.cms.constructs.lambda.LambdaAssets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack {@code {app}-cms-permissions-boundary} of the all-modules app: only the boundary policy, no setting
 * beyond the deployment's names (the fixture has no assetBucketBaseName), deployable before any module stack.
 */
class PermissionsBoundaryStackTest {

    private final Stack stack = AllStacks.get().boundaryStack();
    private final Template template = Template.fromStack(stack);

    @Test
    void isNamedAfterTheDeploymentAndHoldsOnlyTheBoundaryPolicy() {
        assertThat(stack.getNode().getId()).isEqualTo(CmsPermissionsBoundary.STACK_ID);
        assertThat(stack.getStackName()).isEqualTo("cms-cms-permissions-boundary");
        assertThat((Map<?, ?>) template.toJSON().get("Resources")).hasSize(1);
        template.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of(
                "ManagedPolicyName", "cms-permissions-boundary", "Roles", Match.absent()));
    }

    /** Module roles name the boundary by its ARN: no export, so each stack can be updated on its own. */
    @Test
    void exportsNothingAndNoStackDependsOnIt() {
        assertThat(template.toJSON()).doesNotContainKey("Outputs");
        assertThat(stack.getDependencies()).isEmpty();
        for (CmsModuleStack module : AllStacks.get().stacks().values()) {
            assertThat(module.getDependencies()).as(module.getStackName()).doesNotContain(stack);
        }
    }

    @Test
    void passesTheControlTowerGuardRules() throws Exception {
        Path file = AllStacks.get().outdir().resolve(stack.getTemplateFile());
        assertThat(CfnGuard.validate(LambdaAssets.repositoryRoot(), file)).isEmpty();
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("PermissionsBoundary", template.toJSON());
    }
}
