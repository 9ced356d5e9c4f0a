package io.cms.modules.vpc;

import io.cms.constructs.CmsContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VPC module's validated settings, from CDK context or the environment (e.g. {@code vpcCidr}
 * or {@code VPC_CIDR}). Defaults are the original CMS CIDRs, with the public ones aligned (see DEFAULT_CIDRS).
 *
 * @param vpcCidr the VPC block
 * @param subnets the six subnet blocks by parameter name, e.g. {@code publicSubnet1Cidr}
 * @param natGateways 0 (no egress from private subnets), 1 (shared, cheapest) or 2 (one per AZ)
 * @param flowLogs whether VPC flow logs are written
 * @param flowLogRetentionDays retention of the flow log group
 * @param interfaceEndpoints the interface endpoint services to create (empty = none)
 */
public record VpcSettings(Cidr vpcCidr, Map<String, Cidr> subnets, int natGateways, boolean flowLogs,
                          int flowLogRetentionDays, List<String> interfaceEndpoints) {

    /** The original's defaults, by context key. */
    public static final Map<String, String> DEFAULT_CIDRS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        // The original defaulted to 10.0.10.0/22 and 10.0.14.0/22, which have host bits set and are
        // refused by EC2; these are the aligned /22 blocks that contain them.
        d.put("publicSubnet1Cidr", "10.0.8.0/22");
        d.put("publicSubnet2Cidr", "10.0.12.0/22");
        d.put("privateSubnet1Cidr", "10.0.100.0/22");
        d.put("privateSubnet2Cidr", "10.0.104.0/22");
        d.put("isolatedSubnet1Cidr", "10.0.20.0/22");
        d.put("isolatedSubnet2Cidr", "10.0.24.0/22");
        DEFAULT_CIDRS = Map.copyOf(d);
    }

    /** The services of the original's 15 interface endpoints, used when {@code interfaceEndpoints=true}. */
    public static final List<String> ORIGINAL_INTERFACE_ENDPOINTS = List.of("execute-api", "athena", "cloudformation", "logs",
            "cloudtrail", "codebuild", "codepipeline", "ecr.api", "ecr.dkr", "ecs", "kms", "lambda", "rds", "rds-data",
            "secretsmanager");

    private static final List<String> SUBNET_KEYS = List.of("publicSubnet1Cidr", "publicSubnet2Cidr", "privateSubnet1Cidr",
            "privateSubnet2Cidr", "isolatedSubnet1Cidr", "isolatedSubnet2Cidr");

    /** Reads and validates the settings; every error names its parameter. */
    public static VpcSettings from(CmsContext context) {
        Cidr vpc = Cidr.parse("vpcCidr", context.value("vpcCidr", "10.0.0.0/16"));
        Map<String, Cidr> subnets = new LinkedHashMap<>();
        for (String key : SUBNET_KEYS) {
            Cidr subnet = Cidr.parse(key, context.value(key, DEFAULT_CIDRS.get(key)));
            if (!vpc.contains(subnet)) {
                throw new IllegalArgumentException("Parameter " + key + " (" + subnet + ") is not inside vpcCidr (" + vpc + ")");
            }
            for (Map.Entry<String, Cidr> other : subnets.entrySet()) {
                if (other.getValue().overlaps(subnet)) {
                    throw new IllegalArgumentException("Parameter " + key + " (" + subnet + ") overlaps " + other.getKey()
                            + " (" + other.getValue() + ")");
                }
            }
            subnets.put(key, subnet);
        }
        int nat = context.integer("natGateways", 1, 0, 2);
        boolean flowLogs = context.flag("flowLogs", true);
        int retention = context.integer("flowLogRetentionDays", 365, 1, 3653);
        List<String> endpoints = endpoints(context.value("interfaceEndpoints", "false"));
        return new VpcSettings(vpc, subnets, nat, flowLogs, retention, endpoints);
    }

    private static List<String> endpoints(String raw) {
        if (raw.equalsIgnoreCase("false") || raw.isBlank()) {
            return List.of();
        }
        if (raw.equalsIgnoreCase("true")) {
            return ORIGINAL_INTERFACE_ENDPOINTS;
        }
        List<String> out = new ArrayList<>();
        for (String s : raw.split(",")) {
            String name = s.trim();
            if (!name.matches("^[a-z0-9][a-z0-9.-]{1,40}$")) {
                throw new IllegalArgumentException("Parameter interfaceEndpoints must be true, false or a comma list of"
                        + " service names like secretsmanager,ssm; got '" + name + "'");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    /** The CIDR of a subnet group ("Public", "Private", "Isolated") in AZ 1 or 2. */
    public Cidr subnet(String group, int azIndex) {
        String key = group.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + group.substring(1) + "Subnet" + azIndex + "Cidr";
        Cidr cidr = subnets.get(key);
        if (cidr == null) {
            throw new IllegalArgumentException("no subnet " + key);
        }
        return cidr;
    }
}
