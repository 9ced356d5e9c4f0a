package io.cms.alerts;

import io.cms.lambda.common.Printable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send-notifications step: a new Notifications row is published to its
 * {@code {prefix}-{alarmType}-{vin}} topic, which emails every confirmed subscriber. The topic comes
 * from the {@link TopicDirectory}, the one place that creates topics.
 */
public final class NotificationSender {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);
    /** SNS limits email subjects to 100 characters. */
    static final int MAX_SUBJECT = 100;

    private final TopicDirectory topics;

    public NotificationSender(TopicDirectory topics) {
        this.topics = topics;
    }

    /**
     * Publishes one notification; failures are thrown so the stream record is retried.
     *
     * @throws io.cms.lambda.common.BadInputException when SNS could never accept the message (a row
     *                                                 written before its size was checked): retrying
     *                                                 cannot help
     */
    public String send(Notification notification) {
        AlertsConfig.requireFitsSns("notification " + Printable.clip(notification.id(), 64) + " message",
                notification.message());
        String arn = topics.ensureTopic(notification.topic());
        String subject = subject(notification);
        String id = topics.publish(arn, subject, notification.message());
        LOG.info("sent notification {} as {}", notification.id(), id);
        return id;
    }

    static String subject(Notification notification) {
        String subject = "CMS alert " + notification.alarmType() + " for " + notification.vin();
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
    }
}
