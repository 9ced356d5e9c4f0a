package io.cms.modules.vpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.AllocateCidrRequest;
import software.amazon.awscdk.services.ec2.AllocatedSubnet;
import software.amazon.awscdk.services.ec2.IIpAddresses;
import software.amazon.awscdk.services.ec2.RequestedSubnet;
import software.amazon.awscdk.services.ec2.SubnetIpamOptions;
import software.amazon.awscdk.services.ec2.VpcIpamOptions;

/**
 * Gives the CDK VPC the exact subnet CIDRs the operator configured (the original's parameters),
 * instead of the CDK's sequential allocation, so existing network plans and peering keep working.
 */
final class ExplicitSubnetCidrs implements IIpAddresses {

    private final VpcSettings settings;

    ExplicitSubnetCidrs(VpcSettings settings) {
        this.settings = settings;
    }

    @Override
    public VpcIpamOptions allocateVpcCidr() {
        return VpcIpamOptions.builder().cidrBlock(settings.vpcCidr().toString()).build();
    }

    @Override
    public SubnetIpamOptions allocateSubnetsCidr(AllocateCidrRequest request) {
        Map<String, Integer> seen = new HashMap<>();
        List<AllocatedSubnet> allocated = new ArrayList<>();
        for (RequestedSubnet subnet : request.getRequestedSubnets()) {
            String group = subnet.getConfiguration().getName();
            int index = seen.merge(group, 1, Integer::sum);
            allocated.add(AllocatedSubnet.builder().cidr(settings.subnet(group, index).toString()).build());
        }
        return SubnetIpamOptions.builder().allocatedSubnets(allocated).build();
    }
}
