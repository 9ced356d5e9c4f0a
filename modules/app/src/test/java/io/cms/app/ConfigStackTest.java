package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ConfigStackTest {

    private final Template template = AllStacks.get().template(CmsModule.CONFIG);

    @Test
    void registersTheAppUniqueIdAsTheUniquenessLock() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms", "Value", "cms"));
    }

    @Test
    void publishesTheConfigParametersOtherModulesRead() {
        for (String name : List.of("deployment-uuid", "auth/identity-provider-id", "vpc/name",
                "aws-resource-lookup-lambda/arn", "metrics/enabled")) {
            template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/config/" + name));
        }
        template.hasResourceProperties("AWS::SSM::Parameter",
                Map.of("Name", "/solution/cms/config/deployment-uuid",
                        "Value", Map.of("Fn::GetAtt", List.of("DeploymentUuid", "SolutionUUID"))));
        template.hasResourceProperties("AWS::SSM::Parameter",
                Map.of("Name", "/solution/cms/config/metrics/enabled", "Value", "No"));
    }

    @Test
    void deploymentUuidIsACustomResourceServedThroughTheAlias() {
        template.hasResourceProperties("Custom::DeploymentUuid", Map.of(
                "ServiceToken", Map.of("Ref", Match.stringLikeRegexp("CustomResourceAlias.*")),
                "Resource", "CreateDeploymentUUID"));
    }

    @Test
    void functionsRunJava21OnArmWithTracingAndTheirOwnLogGroup() {
        for (String name : List.of("cms-config-custom-resource", "cms-config-aws-resource-lookup")) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "FunctionName", name,
                    "Runtime", "java21",
                    "Architectures", List.of("arm64"),
                    "TracingConfig", Map.of("Mode", "Active"),
                    "LoggingConfig", Map.of("LogGroup", Match.anyValue())));
        }
        template.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
    }

    @Test
    void lookupCanReadOnlyTheConfigModulesOwnParameters() {
        Map<String, Object> statement = Map.of(
                "Action", "ssm:GetParameter",
                "Resource", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(":parameter/solution/cms/config/*")))));
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement)))))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-config-aws-resource-lookup",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "ALLOWED_PARAMETER_PREFIX", "/solution/cms/config/")))));
    }

    @Test
    void carriesTheSolutionTagsAndVersionedDescription() {
        assertThat(template.toJSON().get("Description").toString())
                .startsWith("(SO0241-CMS.26) cms-for-java - Config. Version v");
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", "Solutions:ModuleName", "Value", "config"),
                Map.of("Key", "Solutions:SolutionID", "Value", "SO0241")))));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("Config", template.toJSON());
    }
}
