package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.CmsSynth;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import io.cms.constructs.deploy.OneClick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/** Config (a small stack with Lambda code) synthesized once in one-click mode. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneClickSynthTest {

    private Template template;
    private CloudAssembly assembly;
    private CmsModuleStack stack;

    @BeforeAll
    void synth() {
        Map<String, String> context = Map.of("module", "config", "oneClick", "true",
                "assetBucketBaseName", "acme-assets", "assetKeyPrefix", "cms-for-java/v9.9.9/");
        OneClick oneClick = OneClick.from(context::get).orElseThrow();
        App app = new App(AppProps.builder()
                .outdir(Paths.get("target", "cdk.out-one-click").toAbsolutePath().toString())
                .context(context)
                .defaultStackSynthesizer(oneClick.synthesizer())
                .build());
        List<CmsModuleStack> stacks = CmsSynth.build(app, CmsApp.factories());
        assertThat(stacks).extracting(CmsModuleStack::module).containsExactly(CmsModule.CONFIG);
        stack = stacks.get(0);
        assembly = app.synth();
        template = Template.fromStack(stack);
    }

    @Test
    void lambdaCodeComesFromTheRegionalAssetBucketUnderTheKeyPrefix() {
        template.allResourcesProperties("AWS::Lambda::Function", Map.of("Code", Map.of(
                "S3Bucket", Map.of("Fn::Sub", "acme-assets-${AWS::Region}"),
                "S3Key", Match.stringLikeRegexp("cms-for-java/v9\\.9\\.9/[0-9a-f]{64}\\.jar"))));
    }

    @Test
    void carriesNoBootstrapVersionRuleOrParameter() {
        Map<String, Object> json = template.toJSON();
        assertThat(json).doesNotContainKey("Rules");
        assertThat(json.getOrDefault("Parameters", Map.of()).toString()).doesNotContain("BootstrapVersion");
    }

    @Test
    void referencesNoCdkBootstrapResource() throws Exception {
        String text = Files.readString(Path.of(assembly.getDirectory(), stack.getTemplateFile()));
        assertThat(text).doesNotContain("cdk-hnb659fds").doesNotContain("/cdk-bootstrap/");
    }

    /** Selecting a module keeps the boundary stack: build-one-click.sh writes permissions-boundary.template from it. */
    @Test
    void thePermissionsBoundaryStackIsSynthesizedWhateverTheModuleSelection() throws Exception {
        CloudFormationStackArtifact boundary = assembly.getStackArtifact(CmsPermissionsBoundary.STACK_ID);
        assertThat(boundary.getStackName()).isEqualTo("cms-cms-permissions-boundary");
        assertThat(Files.readString(Path.of(boundary.getTemplateFullPath())))
                .contains("cms-permissions-boundary").doesNotContain("BootstrapVersion");
    }

    @Test
    void staysFreeOfUnsuppressedFindings() {
        assertThat(CmsSynth.problems(assembly)).isEmpty();
    }
}
