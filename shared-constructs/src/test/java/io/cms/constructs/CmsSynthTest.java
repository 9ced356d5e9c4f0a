package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    @Test
    void aRefusedStackNameNamesTheParameterItComesFrom() {
        CmsContext context = CmsContext.of(Map.of("appUniqueId", "acme", "vpcName", "edge", "identityProviderId", "corp"));
        String refused = "Stack name must match the regular expression: /^[A-Za-z][A-Za-z0-9-]*$/, got '%s'\n  at stack trace";

        assertThat(CmsSynth.buildFailure(new RuntimeException(refused.formatted("edge-vpc")), context))
                .startsWith("parameter vpcName gives the stack name 'edge-vpc'").doesNotContain("stack trace");
        assertThat(CmsSynth.buildFailure(new RuntimeException(refused.formatted("corp-auth-setup")), context))
                .startsWith("parameter identityProviderId gives the stack name 'corp-auth-setup'");
        assertThat(CmsSynth.buildFailure(new RuntimeException(refused.formatted("acme-app--api")), context))
                .startsWith("parameter appUniqueId gives the stack name 'acme-app--api'");
        assertThat(CmsSynth.buildFailure(new RuntimeException("boom"), null)).isEqualTo("could not build the stacks: boom");
    }
}
