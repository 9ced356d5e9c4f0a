package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.auth.AppSyncAuthorizerProps;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;

/**
 * A function placed in a VPC: its execution role (made by {@link JavaFunction}, not by CDK) must
 * carry the ENI permissions, or Lambda refuses to create the function.
 */
class JavaFunctionVpcTest {

    @Test
    void aFunctionInAVpcMayCreateItsNetworkInterfaces() {
        App app = new App(AppProps.builder()
                .context(Map.of("appUniqueId", "cms", "identityProviderId", "cms", "vpcName", "cms-vpc"))
                .build());
        CmsModuleStack stack = new CmsModuleStack(app, CmsModule.API, CmsContext.from(app.getNode()));
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(1).natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder().name("private")
                        .subnetType(SubnetType.PRIVATE_ISOLATED).build()))
                .build();
        new JavaFunction(stack, "InVpc", JavaFunctionProps.builder()
                .name("in-vpc")
                .lambdaModule(AppSyncAuthorizerProps.LAMBDA_MODULE)
                .handler(AppSyncAuthorizerProps.HANDLER)
                .description("a function in a VPC")
                .vpc(vpc)
                .vpcSubnets(software.amazon.awscdk.services.ec2.SubnetSelection.builder()
                        .subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .build());

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "Description", Match.stringLikeRegexp(".*in-vpc.*"),
                "ManagedPolicyArns", Match.arrayWith(List.of(Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(
                        Match.arrayWith(List.of(":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")))))))))));
        assertThat(template.findResources("AWS::Lambda::Function")).hasSize(1);
    }
}
