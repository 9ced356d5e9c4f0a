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

class VpcStackTest {

    private final Template template = AllStacks.get().template(CmsModule.VPC);

    @Test
    void createsSixSubnetsAtTheConfiguredCidrsWithoutPublicIps() {
        template.resourceCountIs("AWS::EC2::Subnet", 6);
        for (String cidr : List.of("10.0.8.0/22", "10.0.12.0/22", "10.0.100.0/22", "10.0.104.0/22", "10.0.20.0/22", "10.0.24.0/22")) {
            template.hasResourceProperties("AWS::EC2::Subnet", Map.of("CidrBlock", cidr, "MapPublicIpOnLaunch", false));
        }
        template.hasResourceProperties("AWS::EC2::VPC", Map.of("CidrBlock", "10.0.0.0/16",
                "EnableDnsHostnames", true, "EnableDnsSupport", true));
    }

    @Test
    void usesOneNatGatewayByDefault() {
        template.resourceCountIs("AWS::EC2::NatGateway", 1);
        // Both private route tables send internet traffic to it; isolated ones have no default route.
        template.resourcePropertiesCountIs("AWS::EC2::Route", Map.of(
                "DestinationCidrBlock", "0.0.0.0/0", "NatGatewayId", Match.anyValue()), 2);
    }

    @Test
    void hasS3AndDynamoDbGatewayEndpointsAndNoInterfaceEndpointsByDefault() {
        template.resourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway"), 2);
        template.resourcePropertiesCountIs("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface"), 0);
    }

    @Test
    void writesFlowLogsToAnEncryptedLogGroupKeptOneYear() {
        template.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "ALL", "LogDestinationType", "cloud-watch-logs"));
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 365, "KmsKeyId", Match.anyValue()));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
    }

    @Test
    void theDefaultSecurityGroupProviderLogsToItsOwnLogGroupAndMayWriteNoOther() {
        Map<String, Map<String, Object>> handlers = template.findResources("AWS::Lambda::Function");
        assertThat(handlers).hasSize(1);
        String handler = handlers.keySet().iterator().next();
        assertThat(handler).startsWith("CustomVpcRestrictDefaultSGCustomResourceProviderHandler");
        Map<String, Map<String, Object>> logs = template.findResources("AWS::Logs::LogGroup",
                Map.of("Properties", Map.of("RetentionInDays", 90)));
        assertThat(logs).hasSize(1);
        String logGroup = logs.keySet().iterator().next();
        template.hasResource("AWS::Lambda::Function", Map.of(
                "Properties", Map.of("LoggingConfig", Map.of("LogGroup", Map.of("Ref", logGroup))),
                "DependsOn", Match.arrayWith(List.of(logGroup))));

        assertThat(template.toJSON().toString()).doesNotContain("AWSLambdaBasicExecutionRole");
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("CustomVpcRestrictDefaultSGCustomResourceProviderRole.*"))),
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"), "Effect", "Allow",
                        "Resource", Map.of("Fn::GetAtt", List.of(logGroup, "Arn")))))));
    }

    @Test
    void publishesTheTwentyOriginalSsmParameters() {
        template.resourceCountIs("AWS::SSM::Parameter", 20);
        for (String name : List.of("vpcid", "name", "AZs", "subnets/public", "subnets/private", "subnets/isolated",
                "subnets/cidr/public", "subnets/cidr/private", "subnets/cidr/isolated", "routetable/public",
                "routetable/private", "routetable/isolated", "subnets/public/1", "subnets/public/2", "subnets/private/1",
                "subnets/private/2", "subnets/isolated/1", "subnets/isolated/2", "azs/1", "azs/2")) {
            template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/vpc/cms-vpc/" + name));
        }
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/vpc/cms-vpc/subnets/cidr/private", "Value", "10.0.100.0/22,10.0.104.0/22"));
    }

    @Test
    void isNamedAfterTheVpcAndNotRegisteredWithConfig() {
        assertThat(AllStacks.get().stack(CmsModule.VPC).getStackName()).isEqualTo("cms-vpc-vpc");
        template.hasResourceProperties("AWS::EC2::VPC", Map.of("Tags", Match.arrayWith(List.of(
                Map.of("Key", "Name", "Value", "cms-vpc")))));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("Vpc", template.toJSON());
    }
}
