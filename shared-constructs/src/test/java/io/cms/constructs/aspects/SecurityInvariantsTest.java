package io.cms.constructs.aspects;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.constructs.secure.ProviderLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CfnResourceProps;
import software.amazon.awscdk.CustomResourceProvider;
import software.amazon.awscdk.CustomResourceProviderProps;
import software.amazon.awscdk.CustomResourceProviderRuntime;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.CfnFunction;

/** One App for the whole class: jsii start and synthesis are paid once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityInvariantsTest {

    /** CDK names a provider's construct after the type it is created for, plus "CustomResourceProvider". */
    private static final String PROVIDER = "Custom::TestCustomResourceProvider";

    private Stack broken;
    private Stack fixed;

    @BeforeAll
    void synth(@TempDir Path code) throws IOException {
        Files.writeString(code.resolve("index.js"), "exports.handler = async () => ({});\n");
        App app = new App();
        broken = new Stack(app, "Broken");
        CfnFunction.Builder.create(broken, "NodeFunction").runtime("nodejs22.x")
                .role("arn:aws:iam::123456789012:role/r").code(CfnFunction.CodeProperty.builder().zipFile("x").build())
                .build();

        fixed = new Stack(app, "Fixed");
        new CfnResource(fixed, "PlainFunction", CfnResourceProps.builder().type("AWS::Lambda::Function")
                .properties(Map.of("Runtime", "nodejs22.x", "LoggingConfig", Map.of("LogGroup", "lg"))).build());
        provider(fixed, code);
        ProviderLogs.attach(fixed, "ProviderLogs", PROVIDER);
        Aspects.of(app).add(new SecurityInvariants());
    }

    private static void provider(Stack stack, Path code) {
        CustomResourceProvider.getOrCreateProvider(stack, "Custom::Test", CustomResourceProviderProps.builder()
                .codeDirectory(code.toString()).runtime(CustomResourceProviderRuntime.NODEJS_22_X).build());
    }

    @Test
    void everyCfnFunctionWithoutALogGroupFailsTheBuild() {
        // plain CloudFormation functions (CDK's providers) are checked in the synthesized templates instead:
        // EveryLambdaFunctionLogsWithRetentionTest (modules/app)
        Annotations.fromStack(broken).hasError("/Broken/NodeFunction",
                Match.stringLikeRegexp(".*Lambda function has no log group with retention.*"));
    }

    @Test
    void aProviderGivenProviderLogsWritesOnlyToItsOwnLogGroupWithRetention() {
        Annotations.fromStack(fixed).hasNoError("*", Match.anyValue());
        Template template = Template.fromStack(fixed);
        String logs = template.findResources("AWS::Logs::LogGroup").keySet().iterator().next();
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        template.hasResource("AWS::Lambda::Function", Map.of(
                "Properties", Map.of("Runtime", "nodejs22.x",
                        "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logs))),
                "DependsOn", Match.arrayWith(List.of(logs))));
        Map<String, Map<String, Object>> roles = template.findResources("AWS::IAM::Role");
        assertThat(roles).hasSize(1);
        assertThat(roles.values().iterator().next().toString()).doesNotContain("ManagedPolicyArns");
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", roles.keySet().iterator().next())),
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"), "Effect", "Allow",
                        "Resource", Map.of("Fn::GetAtt", List.of(logs, "Arn")))))));
    }
}
