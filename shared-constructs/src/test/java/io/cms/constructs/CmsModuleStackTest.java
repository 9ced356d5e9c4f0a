package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.aspects.SecurityInvariants;
import io.cms.constructs.nag.Nag;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.s3.CfnBucket;

/** One App for the whole class: jsii start and synthesis are paid once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmsModuleStackTest {

    private CmsModuleStack registered;
    private CmsModuleStack broken;
    private Template template;

    @BeforeAll
    void synth() {
        App app = new App(AppProps.builder().context(Map.of("appUniqueId", "fleet")).build());
        CmsContext context = CmsContext.from(app.getNode());
        registered = new CmsModuleStack(app, CmsModule.ALERTS, context);
        ConfigLookup.value(registered, "IdpLookup", registered, "auth/identity-provider-id");
        new SsmOutputs(registered, "Outputs", registered.naming()).publish("publish-api/endpoint", "https://x", "endpoint");

        broken = new CmsModuleStack(app, CmsModule.API, context);
        new CfnBucket(broken, "PlainBucket");
        CfnLogGroup.Builder.create(broken, "ForeverLogs").build();
        Aspects.of(app).add(new SecurityInvariants());
        template = Template.fromStack(registered);
    }

    @Test
    void registersWithConfigByResolvingTheAppParameter() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/fleet/alerts",
                "Value", "{{resolve:ssm:/solution/fleet}}"));
    }

    @Test
    void tagsEveryResourceWithTheSolutionAndDeploymentUuid() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Tags", Match.objectLike(Map.of(
                "Solutions:SolutionID", "SO0241",
                "Solutions:ModuleName", "alerts",
                "Solutions:DeploymentUUID", "{{resolve:ssm:/solution/fleet/config/deployment-uuid}}"))));
    }

    @Test
    void theDeploymentUuidIsNotAStackTagWhereItsReferenceWouldStayUnresolved() {
        assertThat(registered.getTags().tagValues()).containsEntry("Solutions:ModuleName", "alerts")
                .doesNotContainKey("Solutions:DeploymentUUID");
    }

    @Test
    void isNamedAndDescribedAfterTheModule() {
        assertThat(registered.getStackName()).isEqualTo("fleet-app--alerts");
        assertThat(registered.getNode().getId()).isEqualTo("Alerts");
        assertThat(template.toJSON().get("Description").toString()).startsWith("(SO0241-CMS.10) cms-for-java - Alerts. Version v");
    }

    @Test
    void configLookupUsesTheConfigServiceTokenAndWaitsForRegistration() {
        template.hasResource("Custom::SsmParameters", Match.objectLike(Map.of(
                "Properties", Map.of(
                        "ServiceToken", "{{resolve:ssm:/solution/fleet/config/aws-resource-lookup-lambda/arn}}",
                        "Resource", "SsmParameters",
                        "ParameterName", "/solution/fleet/config/auth/identity-provider-id"),
                "DependsOn", Match.arrayWith(List.of(Match.stringLikeRegexp("Registration.*"))))));
    }

    @Test
    void ssmOutputsLiveUnderTheModulePath() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/fleet/alerts/publish-api/endpoint", "Value", "https://x"));
    }

    @Test
    void invariantsFailTheBuildOnUnencryptedBucketsAndLogsWithoutRetention() {
        Annotations annotations = Annotations.fromStack(broken);
        annotations.hasError("/Api/PlainBucket", Match.stringLikeRegexp(".*bucket is not encrypted.*"));
        annotations.hasError("/Api/ForeverLogs", Match.stringLikeRegexp(".*log group has no retention.*"));
        Annotations.fromStack(registered).hasNoError("*", Match.anyValue());
    }

    @Test
    void aSuppressionWithoutARealReasonIsRefused() {
        assertThatThrownBy(() -> Nag.suppress(registered, "AwsSolutions-IAM5", "because"))
                .hasMessageContaining("needs a real reason");
    }
}
