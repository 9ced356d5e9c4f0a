package io.cms.modules.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VpcSettingsTest {

    private static VpcSettings settings(Map<String, String> context) {
        return VpcSettings.from(CmsContext.of(context));
    }

    @Test
    void defaultsAreTheOriginalLayoutWithAlignedPublicSubnets() {
        VpcSettings s = settings(Map.of());
        assertThat(s.vpcCidr()).hasToString("10.0.0.0/16");
        assertThat(s.subnet("Public", 1)).hasToString("10.0.8.0/22");
        assertThat(s.subnet("Public", 2)).hasToString("10.0.12.0/22");
        assertThat(s.subnet("Private", 1)).hasToString("10.0.100.0/22");
        assertThat(s.subnet("Isolated", 2)).hasToString("10.0.24.0/22");
        assertThat(s.natGateways()).isEqualTo(1);
        assertThat(s.flowLogs()).isTrue();
        assertThat(s.interfaceEndpoints()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "vpcCidr;10.0.0.0;must be an IPv4 CIDR",
        "vpcCidr;10.0.0.256/16;octet above 255",
        "vpcCidr;10.0.0.0/8;between /16 and /28",
        "publicSubnet1Cidr;10.0.10.0/22;host bits set",
        "privateSubnet2Cidr;10.1.0.0/22;not inside vpcCidr",
        "isolatedSubnet1Cidr;10.0.100.0/24;overlaps privateSubnet1Cidr",
        "natGateways;3;between 0 and 2",
        "natGateways;one;must be an integer",
        "flowLogs;yes please;must be true or false",
        "interfaceEndpoints;secretsmanager,ssm;'ssm'",
        "interfaceEndpoints;Bad Name;must be true, false or a comma list"
    })
    void badInputFailsWithTheParameterNamed(String key, String value, String message) {
        if (key.equals("interfaceEndpoints") && value.equals("secretsmanager,ssm")) {
            // A valid list: proves the negative cases below are refused for the right reason.
            assertThat(settings(Map.of(key, value)).interfaceEndpoints()).containsExactly("secretsmanager", "ssm");
            return;
        }
        assertThatThrownBy(() -> settings(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(message);
    }

    @Test
    void interfaceEndpointsTrueMeansTheOriginalFifteen() {
        assertThat(settings(Map.of("interfaceEndpoints", "true")).interfaceEndpoints()).hasSize(15).contains("secretsmanager");
    }

    @Test
    void cidrArithmetic() {
        Cidr vpc = Cidr.parse("x", "10.0.0.0/16");
        assertThat(vpc.contains(Cidr.parse("y", "10.0.255.0/24"))).isTrue();
        assertThat(vpc.contains(Cidr.parse("y", "10.1.0.0/24"))).isFalse();
        assertThat(Cidr.parse("a", "10.0.4.0/22").overlaps(Cidr.parse("b", "10.0.7.0/24"))).isTrue();
        assertThat(Cidr.parse("a", "10.0.4.0/22").overlaps(Cidr.parse("b", "10.0.8.0/24"))).isFalse();
    }
}
