package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.deploy.CmsPermissionsBoundary;
import io.cms.constructs.lambda.LambdaAssets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Makefile's DEPLOY_ORDER and the stack ids StackIds prints: {@code make deploy} deploys the permissions
 * boundary stack first (also before a MODULE selection), every stack of the all-modules app, and
 * {@code make destroy} removes the boundary last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployOrderTest {

    private List<String> makefile;
    private List<String> deployOrder;

    @BeforeAll
    void readTheMakefile() throws Exception {
        makefile = Files.readAllLines(LambdaAssets.repositoryRoot().resolve("Makefile"));
        deployOrder = Arrays.asList(makefile.stream().filter(l -> l.startsWith("DEPLOY_ORDER :="))
                .findFirst().orElseThrow(() -> new AssertionError("no DEPLOY_ORDER in the Makefile"))
                .substring("DEPLOY_ORDER :=".length()).trim().split("\\s+"));
    }

    @Test
    void deployOrderStartsWithThePermissionsBoundaryStack() {
        assertThat(deployOrder.get(0)).isEqualTo(CmsPermissionsBoundary.STACK_ID);
        assertThat(deployOrder).doesNotHaveDuplicates();
    }

    /** A stack the app builds but DEPLOY_ORDER lacks would be skipped by make deploy without a word. */
    @Test
    void deployOrderHasEveryStackOfTheApp() {
        List<String> ids = StackIds.lines().stream().map(id -> id.replace("\"", "")).toList();
        assertThat(ids.get(0)).isEqualTo(CmsPermissionsBoundary.STACK_ID);
        assertThat(deployOrder).containsAll(ids);
    }

    @Test
    void aModuleSelectionDeploysTheBoundaryFirstButNeverDestroysIt() {
        assertThat(recipeOf("deploy")).contains("$(if $(MODULE),$(firstword $(DEPLOY_ORDER)) $(MODULE_STACKS),");
        assertThat(recipeOf("destroy")).contains("$(if $(MODULE),$(MODULE_STACKS),$(DEPLOY_ORDER))")
                .contains("| tac");
    }

    @Test
    void stackIdsOfAModuleSelectionAreOnlyTheModules() {
        assertThat(StackIds.lines("vpc,config")).containsExactly("Vpc", "Config");
        assertThatThrownBy(() -> StackIds.lines("no-such-module")).isInstanceOf(IllegalArgumentException.class);
    }

    /** The target's recipe: the tab-indented lines after its rule line. */
    private String recipeOf(String target) {
        int i = makefile.indexOf(makefile.stream().filter(l -> l.startsWith(target + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no target " + target)));
        StringBuilder recipe = new StringBuilder();
        for (int j = i + 1; j < makefile.size() && makefile.get(j).startsWith("\t"); j++) {
            recipe.append(makefile.get(j)).append('\n');
        }
        return recipe.toString();
    }
}
