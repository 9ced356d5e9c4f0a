package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.app.testing.AllStacks;
import io.cms.app.testing.CfnGuard;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.lambda.LambdaAssets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every synthesized template is checked by cfn-guard with the AWS Control Tower rules. A failure
 * is allowed only when deployment/cfn-guard-justifications.json names its control, the stacks
 * and resources it applies to, and a reason.
 */
class CfnGuardControlTowerTest {

    record Justification(String control, Pattern stack, Pattern resource, String reason) {
        boolean covers(String stackId, CfnGuard.Failure f) {
            return control.equals(f.control()) && stack.matcher(stackId).matches() && resource.matcher(f.resource()).matches();
        }
    }

    @Test
    void everyControlTowerFailureIsFixedOrJustified() throws Exception {
        Path root = LambdaAssets.repositoryRoot();
        List<Justification> justifications = new ArrayList<>();
        for (JsonNode j : new ObjectMapper().readTree(root.resolve("deployment/cfn-guard-justifications.json").toFile())
                .path("justifications")) {
            String reason = j.path("reason").asText();
            assertThat(reason).as("justification of %s needs a real reason", j.path("control").asText()).hasSizeGreaterThan(30);
            justifications.add(new Justification(j.path("control").asText(),
                    Pattern.compile(j.path("stacks").asText(".*")), Pattern.compile(j.path("resources").asText(".*")), reason));
        }

        AllStacks all = AllStacks.get();
        List<String> unjustified = new ArrayList<>();
        for (CmsModuleStack stack : all.stacks().values()) {
            Path template = all.outdir().resolve(stack.getTemplateFile());
            for (CfnGuard.Failure failure : CfnGuard.validate(root, template)) {
                String stackId = stack.getNode().getId();
                if (justifications.stream().noneMatch(j -> j.covers(stackId, failure))) {
                    unjustified.add(stackId + ": " + failure);
                }
            }
        }
        assertThat(unjustified).as("Control Tower failures without a justification").isEmpty();
    }
}
