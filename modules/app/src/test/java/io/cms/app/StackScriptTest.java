package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.constructs.lambda.LambdaAssets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs deployment/test/stack-sh-test.sh: deployment/stack.sh against a stubbed aws CLI, offline. */
class StackScriptTest {

    @Test
    void stackShDeployHandlesEveryStartingStatus() throws Exception {
        Path root = LambdaAssets.repositoryRoot();
        Process process = new ProcessBuilder("bash", root.resolve("deployment/test/stack-sh-test.sh").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("ok   REVIEW_IN_PROGRESS").contains("stack-sh-test: all passed");
    }
}
