package io.cms.app;

import io.cms.constructs.CmsContext;
import io.cms.modules.vpc.VpcStack;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The cost-saving variant: no NAT gateway, a few interface endpoints instead, flow logs off. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VpcStackVariantsTest {

    private Template template;

    @BeforeAll
    void synthOnce() {
        Map<String, String> context = Map.of("vpcName", "lab", "natGateways", "0",
                "interfaceEndpoints", "secretsmanager,ssm", "flowLogs", "false");
        App app = new App(AppProps.builder().context(Map.copyOf(context)).build());
        template = Template.fromStack(new VpcStack(app, CmsContext.of(context)));
    }

    @Test
    void withoutNatGatewaysPrivateSubnetsHaveNoRouteOut() {
        template.resourceCountIs("AWS::EC2::NatGateway", 0);
        template.resourcePropertiesCountIs("AWS::EC2::Route", Map.of("NatGatewayId", Match.anyValue()), 0);
    }

    @Test
    void createsOnlyTheRequestedInterfaceEndpointsReachableOverHttpsFromTheVpc() {
        template.resourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface"), 2);
        template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("ServiceName",
                Map.of("Fn::Join", java.util.List.of("", java.util.List.of("com.amazonaws.", Map.of("Ref", "AWS::Region"), ".ssm"))),
                "PrivateDnsEnabled", true));
        template.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupIngress", java.util.List.of(
                Map.of("CidrIp", "10.0.0.0/16", "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp",
                        "Description", "HTTPS from the VPC"))));
    }

    @Test
    void flowLogsCanBeSwitchedOff() {
        template.resourceCountIs("AWS::EC2::FlowLog", 0);
    }
}
