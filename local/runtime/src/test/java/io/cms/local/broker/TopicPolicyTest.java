package io.cms.local.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.provisioning.ClaimPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicPolicyTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final Principal CLAIM = new Principal("c".repeat(64), Principal.Kind.CLAIM, null);

    @Test
    void claimCertificateMayPublishExactlyTheRequestTopicsOfTheAwsClaimPolicy() {
        List<String> published = new TopicPolicy(TEMPLATE).grants(CLAIM).stream()
                .filter(g -> g.activity() == TopicPolicy.Activity.PUBLISH)
                .map(TopicPolicy.Grant::topicFilter).toList();

        assertThat(published).containsExactlyInAnyOrderElementsOf(ClaimPolicy.requestTopics(TEMPLATE))
                .contains("$aws/certificates/create-from-csr/json");
    }

    @Test
    void claimCertificateMaySubscribeOnlyToTheRepliesOfItsRequestTopics() {
        List<TopicPolicy.Grant> grants = new TopicPolicy(TEMPLATE).grants(CLAIM);

        assertThat(grants.stream().filter(g -> g.activity() != TopicPolicy.Activity.PUBLISH))
                .allSatisfy(g -> assertThat(g.activity()).isEqualTo(TopicPolicy.Activity.SUBSCRIBE))
                .map(TopicPolicy.Grant::topicFilter)
                .containsExactlyInAnyOrderElementsOf(
                        ClaimPolicy.requestTopics(TEMPLATE).stream()
                                .flatMap(t -> java.util.stream.Stream.of(t + "/accepted", t + "/rejected")).toList());
        for (String request : ClaimPolicy.requestTopics(TEMPLATE)) {
            for (String reply : List.of("/accepted", "/rejected")) {
                assertThat(grants).anyMatch(g -> g.activity() == TopicPolicy.Activity.SUBSCRIBE
                        && TopicRule.matches(g.topicFilter(), request + reply));
            }
        }
    }

    @Test
    void anInvalidTemplateNameFailsClearly() {
        assertThatThrownBy(() -> new TopicPolicy("no spaces allowed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("template name");
    }
}
