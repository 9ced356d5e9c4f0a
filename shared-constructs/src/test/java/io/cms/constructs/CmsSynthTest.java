package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

class CmsSynthTest {

    @Test
    void aStackCdkRefusesEndsSynthWithAOneLineMessageInsteadOfAStackTrace() {
        ModuleStackFactory refused = new ModuleStackFactory() {
            @Override
            public CmsModule module() {
                return CmsModule.CONFIG;
            }

            @Override
            public CmsModuleStack create(Construct scope, CmsContext context) {
                new Stack(scope, "Refused", StackProps.builder().stackName("9-starts-with-a-digit").build());
                throw new AssertionError("CDK accepted a stack name that starts with a digit");
            }
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = CmsSynth.run(List.of(refused), new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(2);
        assertThat(out).startsWith("synth failed: could not build the stacks: ")
                .contains("9-starts-with-a-digit")
                .doesNotContain("\tat ");
        assertThat(out.lines()).hasSize(1);
    }
}
