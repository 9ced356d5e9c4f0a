package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimPolicyTest {

    private static List<String> resources(ObjectNode policy, String action) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : policy.get("Statement")) {
            if (s.get("Action").get(0).asText().equals(action)) {
                s.get("Resource").forEach(r -> out.add(r.asText()));
            }
        }
        return out;
    }

    private final ObjectNode policy = ClaimPolicy.document("aws-cn", "cn-north-1", "111122223333", "cms--provisioning-template");

    @Test
    void publishesOnlyTheProvisioningRequestsOfItsTemplate() {
        String p = "arn:aws-cn:iot:cn-north-1:111122223333:topic/";
        assertThat(resources(policy, "iot:Publish")).containsExactly(
                p + "$aws/certificates/create/json",
                p + "$aws/certificates/create-from-csr/json",
                p + "$aws/provisioning-templates/cms--provisioning-template/provision/json");
    }

    @Test
    void receivesAndSubscribesOnlyToTheReplies() {
        assertThat(resources(policy, "iot:Receive")).hasSize(6)
                .allSatisfy(r -> assertThat(r).containsPattern("/json/(accepted|rejected)$").contains(":topic/"));
        assertThat(resources(policy, "iot:Subscribe")).hasSize(6)
                .allSatisfy(r -> assertThat(r).containsPattern("/json/(accepted|rejected)$").contains(":topicfilter/"));
    }

    @Test
    void grantsNoWildcardExceptTheClientIdItCannotKnow() {
        assertThat(policy.toString().split("\\*", -1)).hasSize(2);
        assertThat(resources(policy, "iot:Connect")).containsExactly("arn:aws-cn:iot:cn-north-1:111122223333:client/provision-*");
        assertThat(policy.toString()).doesNotContain("cms/data");
    }

    @Test
    void refusesATemplateNameThatCouldWidenTheTopics() {
        assertThatThrownBy(() -> ClaimPolicy.document("aws", "us-east-1", "123456789012", "+"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClaimPolicy.document("aws", "us-east-1", "123456789012", "a".repeat(37)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
