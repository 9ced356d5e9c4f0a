package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VehiclePolicyTest {

    private static final String VIN = "1HGCM82633A004352";

    private static List<String> resources(ObjectNode policy, String action) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : policy.get("Statement")) {
            if (s.get("Action").get(0).asText().equals(action)) {
                s.get("Resource").forEach(r -> out.add(r.asText()));
            }
        }
        return out;
    }

    @Test
    void aVehicleConnectsOnlyAsItsOwnAttachedThing() {
        ObjectNode policy = VehiclePolicy.forTemplate("aws", "eu-west-1", "111122223333");

        assertThat(resources(policy, "iot:Connect"))
                .containsExactly("arn:aws:iot:eu-west-1:111122223333:client/${iot:Connection.Thing.ThingName}");
        assertThat(policy.at("/Statement/0/Condition/Bool/iot:Connection.Thing.IsAttached").asText()).isEqualTo("true");
    }

    @Test
    void aVehiclePublishesItsOwnTelemetryNotificationsAndFirstConnection() {
        ObjectNode policy = VehiclePolicy.forVin("aws", "us-east-1", "123456789012", VIN);

        String p = "arn:aws:iot:us-east-1:123456789012:topic/";
        assertThat(resources(policy, "iot:Publish")).containsExactly(p + "cms/data/" + VIN, p + "cms/data/" + VIN + "/*",
                p + "cms/notification/" + VIN, p + "vehicleactive/" + VIN);
        assertThat(resources(policy, "iot:Receive")).isEqualTo(resources(policy, "iot:Publish"));
        String f = "arn:aws:iot:us-east-1:123456789012:topicfilter/";
        assertThat(resources(policy, "iot:Subscribe")).containsExactly(f + "cms/data/" + VIN, f + "cms/data/" + VIN + "/*",
                f + "cms/notification/" + VIN, f + "vehicleactive/" + VIN);
    }

    @Test
    void grantsNothingOutsideItsOwnVin() {
        ObjectNode policy = VehiclePolicy.forVin("aws", "us-east-1", "123456789012", VIN);

        for (String action : List.of("iot:Connect", "iot:Publish", "iot:Receive", "iot:Subscribe")) {
            assertThat(resources(policy, action)).allSatisfy(r -> assertThat(r).contains(VIN).doesNotEndWith(":*"));
        }
        assertThat(policy.toString()).doesNotContain("iot:*").doesNotContain("\"*\"");
    }

    @Test
    void arnsFollowThePartition() {
        assertThat(VehiclePolicy.partitionOf("cn-north-1")).isEqualTo("aws-cn");
        assertThat(VehiclePolicy.partitionOf("us-gov-west-1")).isEqualTo("aws-us-gov");
        assertThat(VehiclePolicy.partitionOf("eu-central-1")).isEqualTo("aws");
        ObjectNode policy = VehiclePolicy.forTemplate(VehiclePolicy.partitionOf("cn-north-1"), "cn-north-1", "111122223333");
        assertThat(resources(policy, "iot:Publish")).allSatisfy(r -> assertThat(r).startsWith("arn:aws-cn:iot:cn-north-1:"));
    }

    @Test
    void refusesAnArnComponentThatWouldBreakTheArn() {
        assertThatThrownBy(() -> VehiclePolicy.forTemplate("aws", "us-east-1:evil", "123456789012"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region");
    }

    @Test
    void refusesAMalformedVin() {
        assertThatThrownBy(() -> VehiclePolicy.forVin("aws", "us-east-1", "123456789012", "1hgcm82633a004352"))
                .isInstanceOf(BadInputException.class);
    }
}
