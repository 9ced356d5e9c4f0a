package io.cms.alerts;

import java.util.Optional;

/**
 * The per-VIN-and-alarm-type notification topics ({@code {prefix}-{alarmType}-{vin}}) and their
 * email subscriptions. This is the only way the Alerts code reaches those topics, so a topic is
 * created in exactly one place, always with the same attributes (the original created it from two
 * Lambdas with different attributes, which made SNS refuse one of them and left topics unencrypted).
 *
 * <p>Implementations: {@link io.cms.alerts.sns.SnsTopicDirectory} (Amazon SNS) and
 * {@link io.cms.alerts.local.LocalOutbox} (CMS Local: "emails" written as files).
 */
public interface TopicDirectory {

    /** Creates the topic if it does not exist and returns its ARN (idempotent). */
    String ensureTopic(String topicName);

    /** Publishes a message to a topic created by {@link #ensureTopic}; returns the message id. */
    String publish(String topicArn, String subject, String message);

    /**
     * Subscribes an email address; the result carries the subscription ARN even while the address
     * has not yet confirmed.
     */
    EmailSubscription subscribeEmail(String topicArn, String email);

    /**
     * The current state of a subscription, or empty when it no longer exists (unsubscribed or expired).
     * {@code getUserSubscriptions} and {@code updateUserSubscriptions} call this from several threads at
     * once, the latter while it subscribes and unsubscribes on its own thread.
     */
    Optional<EmailSubscription.Status> status(String subscriptionArn);

    /**
     * Removes a subscription. A subscription that is still pending confirmation, or that no longer
     * exists, is not an error: SNS deletes unconfirmed subscriptions by itself.
     */
    void unsubscribe(String subscriptionArn);
}
