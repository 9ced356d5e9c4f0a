package io.cms.alerts.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.EmailSubscription;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;

class SnsTopicDirectoryTest {

    private static final String TOPIC = "CMS-VEHICLE_ALARM-1HGCM82633A004352";
    private final FakeSnsClient sns = new FakeSnsClient();
    private final SnsTopicDirectory.TopicSettings settings = new SnsTopicDirectory.TopicSettings("alias/cms", "uuid-1", FakeSnsClient.ARN_PREFIX);

    @Test
    void sendNotificationsAndSubscriptionsCreateTheSameTopicWithoutConflict() {
        // Two functions, two containers, one set of attributes: whichever creates first, the other succeeds.
        String fromSender = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        String fromSubscriptions = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(fromSubscriptions).isEqualTo(fromSender);
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms");
    }

    @Test
    void everyTopicRefusesPublishingWithoutTlsOnItsExactArn() {
        new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{"
                + "\"Sid\":\"AllowPublishThroughSSLOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                + "\"Action\":\"sns:Publish\",\"Resource\":\"arn:aws:sns:us-east-1:123456789012:" + TOPIC + "\","
                + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}");
    }

    @Test
    void aTopicOfAnEarlierReleaseGetsTheTlsPolicyInsteadOfFailing() {
        // Created with the key only: SNS refuses the CreateTopic that now carries a Policy too.
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/cms"), Map.of("AlertsUUID", "uuid-1"));
        String arn = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(arn).isEqualTo(FakeSnsClient.arnOf(TOPIC));
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms")
                .containsEntry("Policy", SnsTopicDirectory.tlsOnlyPolicy(arn));
        // Only the missing policy is written; the second CreateTopic still checks the tags.
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes",
                "SetTopicAttributes Policy", "CreateTopic");
        // ... and from then on the other function's CreateTopic is the identical, idempotent request.
        assertThat(new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC)).isEqualTo(arn);
    }

    private void assertPolicyIsOursInAnotherForm(String arn) {
        String kept = sns.topicAttributes(TOPIC).get("Policy");
        assertThat(kept).isNotEqualTo(SnsTopicDirectory.tlsOnlyPolicy(arn));
        assertThat(Json.parse(kept)).isEqualTo(Json.parse(SnsTopicDirectory.tlsOnlyPolicy(arn)));
    }

    @Test
    void anOldTopicWhosePolicySnsKeepsInAnotherFormIsUpdatedWithoutError() {
        // SetTopicAttributes gives the topic our policy, but SNS keeps it re-serialized, so the
        // CreateTopic asked again still reports "different attributes": the topic is ours now.
        sns.reserializePolicies();
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/old"), Map.of("AlertsUUID", "uuid-1"));
        String arn = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(arn).isEqualTo(FakeSnsClient.arnOf(TOPIC));
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes",
                "SetTopicAttributes KmsMasterKeyId", "SetTopicAttributes Policy", "CreateTopic");
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms");
        assertPolicyIsOursInAnotherForm(arn);
    }

    @Test
    void aTopicCreatedByTheOtherFunctionWhosePolicySnsKeepsInAnotherFormIsReadNotRewritten() {
        sns.reserializePolicies();
        String fromSender = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic");
        String kept = sns.topicAttributes(TOPIC).get("Policy");
        // The identical request now fails; the policy read back is ours as JSON, so nothing is written.
        sns.forgetTopicCalls();
        String fromSubscriptions = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(fromSubscriptions).isEqualTo(fromSender).isEqualTo(FakeSnsClient.arnOf(TOPIC));
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes");
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms")
                .containsEntry("Policy", kept);
        assertPolicyIsOursInAnotherForm(fromSender);
    }

    @Test
    void aTopicWithAnotherKeyGetsOnlyTheKeyWritten() {
        sns.reserializePolicies();
        new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings("alias/old", "uuid-1", FakeSnsClient.ARN_PREFIX))
                .ensureTopic(TOPIC);
        String kept = sns.topicAttributes(TOPIC).get("Policy");
        sns.forgetTopicCalls();
        String arn = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes",
                "SetTopicAttributes KmsMasterKeyId", "CreateTopic");
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms")
                .containsEntry("Policy", kept);
        assertPolicyIsOursInAnotherForm(arn);
    }

    @Test
    void aTopicWithAnotherPolicyGetsOnlyThePolicyWritten() {
        String otherPolicy = SnsTopicDirectory.tlsOnlyPolicy(FakeSnsClient.arnOf(TOPIC)).replace("Deny", "Allow");
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/cms", "Policy", otherPolicy),
                Map.of("AlertsUUID", "uuid-1"));
        String arn = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes",
                "SetTopicAttributes Policy", "CreateTopic");
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms")
                .containsEntry("Policy", SnsTopicDirectory.tlsOnlyPolicy(arn));
    }

    @Test
    void aStoredPolicyThatIsNotJsonIsReplaced() {
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/cms", "Policy", "{not json"),
                Map.of("AlertsUUID", "uuid-1"));
        String arn = new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes",
                "SetTopicAttributes Policy", "CreateTopic");
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("Policy", SnsTopicDirectory.tlsOnlyPolicy(arn));
    }

    @Test
    void unreadableAttributesFailClearlyAndChangeNothing() {
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/old"), Map.of("AlertsUUID", "uuid-1"));
        sns.denyNextGetTopicAttributes(1);
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        assertThatThrownBy(() -> directory.ensureTopic(TOPIC)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(FakeSnsClient.arnOf(TOPIC)).hasMessageContaining("sns:GetTopicAttributes")
                .hasMessageContaining("nothing was changed").hasCauseInstanceOf(AuthorizationErrorException.class);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic", "GetTopicAttributes");
        assertThat(sns.topicAttributes(TOPIC)).isEqualTo(Map.of("KmsMasterKeyId", "alias/old"));
        // The failure is not cached: the next request reads the attributes and writes the two that differ.
        directory.ensureTopic(TOPIC);
        assertThat(sns.topicAttributes(TOPIC)).containsEntry("KmsMasterKeyId", "alias/cms")
                .containsEntry("Policy", SnsTopicDirectory.tlsOnlyPolicy(FakeSnsClient.arnOf(TOPIC)));
    }

    @Test
    void theFakeRefusesAPolicyThatIsNotJsonWhenItReserializesPolicies() {
        sns.reserializePolicies();
        assertThatThrownBy(() -> sns.createTopic(b -> b.name(TOPIC).attributes(Map.of("Policy", "{not json"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Policy");
        assertThat(sns.hasTopic(TOPIC)).isFalse();
    }

    @Test
    void aTopicWithOtherTagsStillFails() {
        sns.existingTopic(TOPIC, Map.of("KmsMasterKeyId", "alias/cms"), Map.of("AlertsUUID", "other"));
        assertThatThrownBy(() -> new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("different tags");
    }

    @Test
    void theTopicArnComesFromTheKeyArn() {
        SnsTopicDirectory.TopicSettings fromKey = SnsTopicDirectory.TopicSettings.forKeyArn(
                "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "u");
        assertThat(fromKey.topicArn("t")).isEqualTo("arn:aws-cn:sns:cn-north-1:111122223333:t");
        assertThat(fromKey.attributes("t").get("Policy")).contains("\"Resource\":\"arn:aws-cn:sns:cn-north-1:111122223333:t\"");
        assertThatThrownBy(() -> SnsTopicDirectory.TopicSettings.forKeyArn("alias/cms", "u"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SNS_TOPIC_KMS_KEY_ID must be the ARN");
    }

    @Test
    void aTopicArnOtherThanThePolicysIsRefused() {
        // A key of another account would give the policy a Resource that is not the topic.
        SnsTopicDirectory.TopicSettings elsewhere = new SnsTopicDirectory.TopicSettings(
                "alias/cms", "uuid-1", "arn:aws:sns:us-east-1:999999999999:");
        assertThatThrownBy(() -> new SnsTopicDirectory(sns, elsewhere).ensureTopic(TOPIC))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("account and Region");
    }

    @Test
    void theFakeRefusesATopicWithDifferentAttributesAsSnsDoes() {
        // The original's defect: one Lambda created topics with a KMS key, the other without.
        new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThatThrownBy(() -> sns.createTopic(b -> b.name(TOPIC)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("different attributes");
    }

    @Test
    void topicsAreNeverCreatedWithoutAKmsKey() {
        assertThatThrownBy(() -> new SnsTopicDirectory.TopicSettings(" ", "uuid", FakeSnsClient.ARN_PREFIX))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SNS_TOPIC_KMS_KEY_ID");
    }

    @Test
    void aTopicIsCreatedOncePerContainer() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        directory.ensureTopic(TOPIC);
        directory.ensureTopic(TOPIC);
        assertThat(sns.createTopicCalls()).isEqualTo(1);
    }

    @Test
    void anAbsentTopicAndAnIdenticalOneCostOneCreateTopicEach() {
        new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic");
        sns.forgetTopicCalls();
        new SnsTopicDirectory(sns, settings).ensureTopic(TOPIC);
        assertThat(sns.topicCalls()).containsExactly("CreateTopic");
    }

    @Test
    void aNewEmailSubscriptionIsPendingWithARealArn() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        EmailSubscription subscription = directory.subscribeEmail(directory.ensureTopic(TOPIC), "a@example.com");
        assertThat(subscription.arn()).startsWith("arn:aws:sns:");
        assertThat(subscription.status()).isEqualTo(EmailSubscription.Status.PENDING_CONFIRMATION);
    }

    @Test
    void subscribingAConfirmedAddressAgainReportsItConfirmed() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        String arn = directory.ensureTopic(TOPIC);
        directory.subscribeEmail(arn, "a@example.com");
        sns.confirm(arn, "a@example.com");
        assertThat(directory.subscribeEmail(arn, "a@example.com").status()).isEqualTo(EmailSubscription.Status.CONFIRMED);
    }

    @Test
    void unsubscribingAPendingSubscriptionDoesNotFail() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        EmailSubscription subscription = directory.subscribeEmail(directory.ensureTopic(TOPIC), "a@example.com");
        directory.unsubscribe(subscription.arn());
        assertThat(directory.status(subscription.arn())).contains(EmailSubscription.Status.PENDING_CONFIRMATION);
    }

    @Test
    void unsubscribingAGoneSubscriptionDoesNotFail() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        String arn = directory.ensureTopic(TOPIC);
        EmailSubscription subscription = directory.subscribeEmail(arn, "a@example.com");
        sns.unsubscribeByLink(arn, "a@example.com");
        directory.unsubscribe(subscription.arn());
        assertThat(directory.status(subscription.arn())).isEmpty();
    }

    @Test
    void publishingReachesOnlyConfirmedSubscribers() {
        SnsTopicDirectory directory = new SnsTopicDirectory(sns, settings);
        String arn = directory.ensureTopic(TOPIC);
        directory.subscribeEmail(arn, "confirmed@example.com");
        directory.subscribeEmail(arn, "pending@example.com");
        sns.confirm(arn, "confirmed@example.com");
        directory.publish(arn, "subject", "body");
        assertThat(sns.emailsTo("confirmed@example.com")).hasSize(1);
        assertThat(sns.emailsTo("pending@example.com")).isEmpty();
    }
}
