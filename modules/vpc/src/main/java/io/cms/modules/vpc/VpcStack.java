package io.cms.modules.vpc;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.KmsKeys;
import io.cms.constructs.secure.ProviderLogs;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The VPC module: two AZs with public, private and isolated subnets at the configured CIDRs, 0, 1
 * or 2 NAT gateways, S3 and DynamoDB gateway endpoints, optional interface endpoints, flow logs
 * with retention, and the original's 20 SSM parameters under {@code /solution/vpc/{vpcName}/}.
 */
public class VpcStack extends CmsModuleStack {

    /** The construct id of the provider CDK adds for {@code restrictDefaultSecurityGroup(true)}. */
    static final String RESTRICT_DEFAULT_SG_PROVIDER = "Custom::VpcRestrictDefaultSGCustomResourceProvider";

    private final VpcSettings settings;
    private final Vpc vpc;
    private final SsmOutputs outputs;

    public VpcStack(Construct scope, CmsContext context) {
        this(scope, context, VpcSettings.from(context));
    }

    public VpcStack(Construct scope, CmsContext context, VpcSettings settings) {
        super(scope, CmsModule.VPC, context);
        this.settings = settings;
        String vpcName = context.vpcName();

        // Without NAT gateways, "private" subnets have no route out and are created as isolated.
        SubnetType privateType = settings.natGateways() > 0 ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED;
        this.vpc = Vpc.Builder.create(this, "Vpc")
                .vpcName(vpcName)
                .ipAddresses(new ExplicitSubnetCidrs(settings))
                .maxAzs(2)
                .natGateways(settings.natGateways())
                .enableDnsHostnames(true)
                .enableDnsSupport(true)
                .restrictDefaultSecurityGroup(true)
                .subnetConfiguration(List.of(
                        subnetGroup("Public", SubnetType.PUBLIC),
                        subnetGroup("Private", privateType),
                        subnetGroup("Isolated", SubnetType.PRIVATE_ISOLATED)))
                .build();
        Tags.of(vpc).add("Name", vpcName);
        // restrictDefaultSecurityGroup deploys a CDK provider function: its own log group, not /aws/lambda/... forever.
        ProviderLogs.attach(this, "RestrictDefaultSgProviderLogs", RESTRICT_DEFAULT_SG_PROVIDER);

        SubnetSelection privateAndIsolated = SubnetSelection.builder()
                .subnets(concat(subnets("Private"), subnets("Isolated"))).build();
        vpc.addGatewayEndpoint("S3Endpoint", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3).subnets(List.of(privateAndIsolated)).build());
        vpc.addGatewayEndpoint("DynamoDbEndpoint", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.DYNAMODB).subnets(List.of(privateAndIsolated)).build());

        if (!settings.interfaceEndpoints().isEmpty()) {
            SecurityGroup endpointsSg = SecurityGroup.Builder.create(this, "EndpointsSecurityGroup")
                    .vpc(vpc)
                    .description("HTTPS from inside " + vpcName + " to the interface endpoints")
                    .allowAllOutbound(false)
                    .build();
            endpointsSg.addIngressRule(Peer.ipv4(settings.vpcCidr().toString()), Port.tcp(443), "HTTPS from the VPC");
            for (String service : settings.interfaceEndpoints()) {
                vpc.addInterfaceEndpoint("Endpoint" + service.replaceAll("[^a-zA-Z0-9]", ""), InterfaceVpcEndpointOptions.builder()
                        .service(new InterfaceVpcEndpointAwsService(service))
                        .privateDnsEnabled(true)
                        .open(false)
                        .subnets(SubnetSelection.builder().subnets(subnets("Private")).build())
                        .securityGroups(List.of(endpointsSg))
                        .build());
            }
        }

        if (settings.flowLogs()) {
            Key key = KmsKeys.create(this, "FlowLogsKey", "Encrypts the flow logs of " + vpcName);
            key.addToResourcePolicy(PolicyStatement.Builder.create()
                    .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
                    .actions(List.of("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"))
                    .resources(List.of("*"))
                    .conditions(Map.of("ArnLike", Map.of("kms:EncryptionContext:aws:logs:arn",
                            "arn:" + Aws.PARTITION + ":logs:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":*")))
                    .build());
            LogGroup flowLogGroup = LogGroup.Builder.create(this, "FlowLogs")
                    .retention(retention(settings.flowLogRetentionDays()))
                    .encryptionKey(key)
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .build();
            vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
                    .destination(FlowLogDestination.toCloudWatchLogs(flowLogGroup))
                    .trafficType(FlowLogTrafficType.ALL)
                    .build());
        } else {
            Nag.suppress(vpc, "AwsSolutions-VPC7", "Flow logs were switched off by the operator (flowLogs=false)");
        }

        this.outputs = new SsmOutputs(this, "Outputs", naming());
        publishParameters(vpcName);
        new CfnOutput(this, "VPC", software.amazon.awscdk.CfnOutputProps.builder().value(vpc.getVpcId()).build());
        new CfnOutput(this, "PublicSubnets", software.amazon.awscdk.CfnOutputProps.builder().value(ids(subnets("Public"))).build());
        new CfnOutput(this, "PrivateSubnets", software.amazon.awscdk.CfnOutputProps.builder().value(ids(subnets("Private"))).build());
    }

    private void publishParameters(String vpcName) {
        String p = "/solution/vpc/" + vpcName + "/";
        List<ISubnet> pub = subnets("Public");
        List<ISubnet> priv = subnets("Private");
        List<ISubnet> iso = subnets("Isolated");
        outputs.publishAt(p + "vpcid", vpc.getVpcId(), "VPC id");
        outputs.publishAt(p + "name", vpcName, "VPC name");
        outputs.publishAt(p + "AZs", Fn.join(",", vpc.getAvailabilityZones()), "Availability zones (csv)");
        outputs.publishAt(p + "subnets/public", ids(pub), "Public subnet ids (csv)");
        outputs.publishAt(p + "subnets/private", ids(priv), "Private subnet ids (csv)");
        outputs.publishAt(p + "subnets/isolated", ids(iso), "Isolated subnet ids (csv)");
        outputs.publishAt(p + "subnets/cidr/public", cidrs("Public"), "Public subnet CIDRs (csv)");
        outputs.publishAt(p + "subnets/cidr/private", cidrs("Private"), "Private subnet CIDRs (csv)");
        outputs.publishAt(p + "subnets/cidr/isolated", cidrs("Isolated"), "Isolated subnet CIDRs (csv)");
        outputs.publishAt(p + "routetable/public", join(pub, s -> s.getRouteTable().getRouteTableId()), "Public route tables (csv)");
        outputs.publishAt(p + "routetable/private", join(priv, s -> s.getRouteTable().getRouteTableId()), "Private route tables (csv)");
        outputs.publishAt(p + "routetable/isolated", join(iso, s -> s.getRouteTable().getRouteTableId()), "Isolated route tables (csv)");
        for (int i = 0; i < 2; i++) {
            outputs.publishAt(p + "subnets/public/" + (i + 1), pub.get(i).getSubnetId(), "Public subnet " + (i + 1));
            outputs.publishAt(p + "subnets/private/" + (i + 1), priv.get(i).getSubnetId(), "Private subnet " + (i + 1));
            outputs.publishAt(p + "subnets/isolated/" + (i + 1), iso.get(i).getSubnetId(), "Isolated subnet " + (i + 1));
            outputs.publishAt(p + "azs/" + (i + 1), vpc.getAvailabilityZones().get(i), "Availability zone " + (i + 1));
        }
    }

    private SubnetConfiguration subnetGroup(String name, SubnetType type) {
        // No public IPs on launch, even in public subnets: nothing CMS runs there needs one (CT.EC2.PR.11).
        return SubnetConfiguration.builder().name(name).subnetType(type).mapPublicIpOnLaunch(type == SubnetType.PUBLIC ? false : null)
                .cidrMask(settings.subnet(name, 1).prefix()).build();
    }

    /** The two subnets of a group, in AZ order. */
    public List<ISubnet> subnets(String group) {
        return vpc.selectSubnets(SubnetSelection.builder().subnetGroupName(group).build()).getSubnets();
    }

    private String cidrs(String group) {
        return settings.subnet(group, 1) + "," + settings.subnet(group, 2);
    }

    private static String ids(List<ISubnet> subnets) {
        return join(subnets, ISubnet::getSubnetId);
    }

    private static String join(List<ISubnet> subnets, Function<ISubnet, String> f) {
        return Fn.join(",", subnets.stream().map(f).toList());
    }

    private static List<ISubnet> concat(List<ISubnet> a, List<ISubnet> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static final int[] RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
        1827, 2192, 2557, 2922, 3288, 3653};
    private static final RetentionDays[] RETENTIONS = {RetentionDays.ONE_DAY, RetentionDays.THREE_DAYS,
        RetentionDays.FIVE_DAYS, RetentionDays.ONE_WEEK, RetentionDays.TWO_WEEKS, RetentionDays.ONE_MONTH,
        RetentionDays.TWO_MONTHS, RetentionDays.THREE_MONTHS, RetentionDays.FOUR_MONTHS, RetentionDays.FIVE_MONTHS,
        RetentionDays.SIX_MONTHS, RetentionDays.ONE_YEAR, RetentionDays.THIRTEEN_MONTHS, RetentionDays.EIGHTEEN_MONTHS,
        RetentionDays.TWO_YEARS, RetentionDays.THREE_YEARS, RetentionDays.FIVE_YEARS, RetentionDays.SIX_YEARS,
        RetentionDays.SEVEN_YEARS, RetentionDays.EIGHT_YEARS, RetentionDays.NINE_YEARS, RetentionDays.TEN_YEARS};

    /** The shortest CloudWatch retention that keeps logs at least {@code days}. */
    static RetentionDays retention(int days) {
        for (int i = 0; i < RETENTION_DAYS.length; i++) {
            if (RETENTION_DAYS[i] >= days) {
                return RETENTIONS[i];
            }
        }
        return RetentionDays.TEN_YEARS;
    }

    public Vpc vpc() {
        return vpc;
    }

    public VpcSettings settings() {
        return settings;
    }

    public SsmOutputs outputs() {
        return outputs;
    }
}
