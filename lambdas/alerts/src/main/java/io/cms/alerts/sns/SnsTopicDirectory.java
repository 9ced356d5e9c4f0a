package io.cms.alerts.sns;

import io.cms.alerts.EmailSubscription;
import io.cms.alerts.TopicDirectory;
import io.cms.lambda.common.TtlCache;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.Tag;

/**
 * {@link TopicDirectory} on Amazon SNS. Every topic is created here with the same attributes
 * (server-side encryption with the module's KMS key) and the same tags ({@code AlertsUUID}), so
 * whichever Lambda creates a topic first, the other's {@code CreateTopic} is the idempotent no-op
 * SNS makes of an identical request.
 */
public final class SnsTopicDirectory implements TopicDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SnsTopicDirectory.class);

    /**
     * The one set of attributes of every notification topic.
     *
     * @param kmsKeyId       KMS key id or ARN for {@code KmsMasterKeyId} (required: topics are never unencrypted)
     * @param deploymentUuid value of the {@code AlertsUUID} tag (lets clean-up find the topics), or null
     */
    public record TopicSettings(String kmsKeyId, String deploymentUuid) {

        public TopicSettings {
            if (kmsKeyId == null || kmsKeyId.isBlank()) {
                throw new io.cms.lambda.common.ConfigurationException(
                        "SNS_TOPIC_KMS_KEY_ID must name the KMS key of the notification topics");
            }
        }

        Map<String, String> attributes() {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("KmsMasterKeyId", kmsKeyId);
            return attributes;
        }

        List<Tag> tags() {
            return deploymentUuid == null || deploymentUuid.isBlank() ? List.of()
                    : List.of(Tag.builder().key("AlertsUUID").value(deploymentUuid).build());
        }
    }

    private final SnsClient sns;
    private final TopicSettings settings;
    private final TtlCache<String, String> arns = new TtlCache<>(Duration.ofHours(1));

    public SnsTopicDirectory(SnsClient sns, TopicSettings settings) {
        this.sns = sns;
        this.settings = settings;
    }

    @Override
    public String ensureTopic(String topicName) {
        return arns.get(topicName, name -> sns.createTopic(b -> b.name(name)
                .attributes(settings.attributes()).tags(settings.tags())).topicArn());
    }

    @Override
    public String publish(String topicArn, String subject, String message) {
        try {
            return sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message)).messageId();
        } catch (NotFoundException deleted) {
            // Someone deleted the topic: forget cached ARNs so the retry re-creates it.
            arns.clear();
            throw deleted;
        }
    }

    @Override
    public EmailSubscription subscribeEmail(String topicArn, String email) {
        String arn = sns.subscribe(b -> b.topicArn(topicArn).protocol("email").endpoint(email)
                .returnSubscriptionArn(true)).subscriptionArn();
        // An address that already confirmed on this topic gets its existing, confirmed subscription back.
        return new EmailSubscription(arn, status(arn).orElse(EmailSubscription.Status.PENDING_CONFIRMATION));
    }

    @Override
    public Optional<EmailSubscription.Status> status(String subscriptionArn) {
        try {
            Map<String, String> attributes = sns.getSubscriptionAttributes(b -> b.subscriptionArn(subscriptionArn))
                    .attributes();
            return Optional.of("true".equalsIgnoreCase(attributes.get("PendingConfirmation"))
                    ? EmailSubscription.Status.PENDING_CONFIRMATION : EmailSubscription.Status.CONFIRMED);
        } catch (NotFoundException gone) {
            return Optional.empty();
        }
    }

    @Override
    public void unsubscribe(String subscriptionArn) {
        try {
            sns.unsubscribe(b -> b.subscriptionArn(subscriptionArn));
        } catch (NotFoundException gone) {
            LOG.info("subscription already gone");
        } catch (InvalidParameterException e) {
            Optional<EmailSubscription.Status> status = status(subscriptionArn);
            if (status.isPresent() && status.get() == EmailSubscription.Status.CONFIRMED) {
                throw e;
            }
            // SNS will not delete an unconfirmed subscription, but expires it by itself.
            LOG.info("subscription is pending confirmation; SNS expires it unconfirmed");
        }
    }
}
