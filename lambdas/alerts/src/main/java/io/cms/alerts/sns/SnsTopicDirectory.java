package io.cms.alerts.sns;

import io.cms.alerts.EmailSubscription;
import io.cms.alerts.TopicDirectory;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.TtlCache;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.Tag;

/**
 * {@link TopicDirectory} on Amazon SNS. Every topic is created here with the same attributes
 * (server-side encryption with the module's KMS key, and a topic policy that refuses publishing
 * without TLS, the statement CDK's {@code enforceSSL} gives the module's own topics) and the same
 * tags ({@code AlertsUUID}), so whichever Lambda creates a topic first, the other's
 * {@code CreateTopic} is the idempotent no-op SNS makes of an identical request.
 *
 * <p>When SNS refuses the {@code CreateTopic} with "different attributes" (a topic created before the
 * TLS policy or with another key, or one whose policy SNS keeps in another text form than the one
 * sent), the topic's attributes are read with {@code GetTopicAttributes}, the policy compared as JSON,
 * and only the attributes that really differ are written with {@code SetTopicAttributes}: the functions
 * need {@code sns:GetTopicAttributes} and {@code sns:SetTopicAttributes} on the topics.
 */
public final class SnsTopicDirectory implements TopicDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SnsTopicDirectory.class);

    /**
     * The one set of attributes of every notification topic.
     *
     * @param kmsKeyId       KMS key id or ARN for {@code KmsMasterKeyId} (required: topics are never unencrypted)
     * @param deploymentUuid value of the {@code AlertsUUID} tag (lets clean-up find the topics), or null
     * @param topicArnPrefix {@code arn:{partition}:sns:{region}:{account}:}, the ARN of a topic less its
     *                       name: the TLS policy names the topic's exact ARN, known before it exists
     */
    public record TopicSettings(String kmsKeyId, String deploymentUuid, String topicArnPrefix) {

        private static final Pattern ARN_PREFIX = Pattern.compile("^arn:[a-z-]+:sns:[a-z0-9-]+:\\d{12}:$");
        private static final Pattern KEY_ARN = Pattern.compile("^arn:([a-z-]+):kms:([a-z0-9-]+):(\\d{12}):key/.+$");

        public TopicSettings {
            if (kmsKeyId == null || kmsKeyId.isBlank()) {
                throw new ConfigurationException(
                        "SNS_TOPIC_KMS_KEY_ID must name the KMS key of the notification topics");
            }
            if (topicArnPrefix == null || !ARN_PREFIX.matcher(topicArnPrefix).matches()) {
                throw new ConfigurationException("topic ARN prefix must be arn:{partition}:sns:{region}:{account}: (got '"
                        + topicArnPrefix + "')");
            }
        }

        /**
         * Settings for topics encrypted with the key of ARN {@code kmsKeyArn}: the module creates its
         * topics key in the account and Region of its topics (SNS encrypts a topic only with a key of its
         * Region), so the key's ARN gives the topics' partition, Region and account.
         */
        public static TopicSettings forKeyArn(String kmsKeyArn, String deploymentUuid) {
            Matcher key = kmsKeyArn == null ? null : KEY_ARN.matcher(kmsKeyArn);
            if (key == null || !key.matches()) {
                throw new ConfigurationException("SNS_TOPIC_KMS_KEY_ID must be the ARN of the topics' KMS key"
                        + " (arn:{partition}:kms:{region}:{account}:key/{id}), got '" + kmsKeyArn + "'");
            }
            return new TopicSettings(kmsKeyArn, deploymentUuid,
                    "arn:" + key.group(1) + ":sns:" + key.group(2) + ":" + key.group(3) + ":");
        }

        String topicArn(String topicName) {
            return topicArnPrefix + topicName;
        }

        Map<String, String> attributes(String topicName) {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("KmsMasterKeyId", kmsKeyId);
            attributes.put("Policy", tlsOnlyPolicy(topicArn(topicName)));
            return attributes;
        }

        List<Tag> tags() {
            return deploymentUuid == null || deploymentUuid.isBlank() ? List.of()
                    : List.of(Tag.builder().key("AlertsUUID").value(deploymentUuid).build());
        }
    }

    /** The statement CDK's {@code Topic(enforceSSL: true)} adds: no publishing over plain HTTP. */
    static String tlsOnlyPolicy(String topicArn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowPublishThroughSSLOnly\","
                + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"" + topicArn
                + "\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}";
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
        return arns.get(topicName, this::createOrUpdate);
    }

    /**
     * Creates the topic (one call when it is absent or identical), or, when it exists with other
     * attributes, reads them and writes only those that differ from ours, then asks again (which still
     * reports a topic with other tags). SNS may keep a policy in another serialized form than the one
     * sent, so {@code CreateTopic} can report "different attributes" although the attributes are ours:
     * the topic is then taken as is, with nothing written.
     */
    private String createOrUpdate(String name) {
        Map<String, String> attributes = settings.attributes(name);
        Optional<String> arn = createWithSameAttributes(name, attributes);
        if (arn.isEmpty()) {
            Map<String, String> differing = differingAttributes(name, attributes);
            if (!differing.isEmpty()) {
                LOG.info("topic exists with other attributes; setting {}", differing.keySet());
                for (Map.Entry<String, String> attribute : differing.entrySet()) {
                    sns.setTopicAttributes(b -> b.topicArn(settings.topicArn(name))
                            .attributeName(attribute.getKey()).attributeValue(attribute.getValue()));
                }
                arn = createWithSameAttributes(name, attributes);
            }
        }
        String topicArn = arn.orElse(settings.topicArn(name));
        if (!topicArn.equals(settings.topicArn(name))) {
            throw new IllegalStateException("SNS named the topic " + topicArn + ", its TLS policy names "
                    + settings.topicArn(name) + ": the topics key must be in the topics' account and Region");
        }
        return topicArn;
    }

    /** The topic's ARN, or empty when SNS refuses the request because the topic has other attributes. */
    private Optional<String> createWithSameAttributes(String name, Map<String, String> attributes) {
        try {
            return Optional.of(sns.createTopic(b -> b.name(name).attributes(attributes).tags(settings.tags())).topicArn());
        } catch (InvalidParameterException e) {
            if (!differentAttributes(e)) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /** Those of {@code wanted} the existing topic does not have: the policy compared as JSON. */
    private Map<String, String> differingAttributes(String name, Map<String, String> wanted) {
        String topicArn = settings.topicArn(name);
        Map<String, String> current;
        try {
            current = sns.getTopicAttributes(b -> b.topicArn(topicArn)).attributes();
        } catch (SdkException e) {
            throw new IllegalStateException("topic " + topicArn + " exists with other attributes and reading them"
                    + " (sns:GetTopicAttributes) failed, so nothing was changed: " + e.getMessage(), e);
        }
        Map<String, String> differing = new LinkedHashMap<>();
        wanted.forEach((attribute, value) -> {
            String now = current.get(attribute);
            boolean same = "Policy".equals(attribute) ? sameJson(value, now) : value.equals(now);
            if (!same) {
                differing.put(attribute, value);
            }
        });
        return differing;
    }

    /** Whether the stored policy is our policy as JSON (key order and whitespace aside). */
    private static boolean sameJson(String ours, String stored) {
        try {
            return stored != null && Json.parse(ours).equals(Json.parse(stored));
        } catch (BadInputException notJson) {
            return false;
        }
    }

    private static boolean differentAttributes(InvalidParameterException e) {
        return e.getMessage() != null && e.getMessage().contains("different attributes");
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
