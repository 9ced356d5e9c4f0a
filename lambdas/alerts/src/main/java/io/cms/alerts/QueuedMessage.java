package io.cms.alerts;

import java.time.Instant;

/**
 * One message taken from the alerts queue.
 *
 * @param messageId the SQS message id (the same on every redelivery of this message)
 * @param body      the body: an SNS notification envelope, or the alert itself with raw delivery
 * @param sentAt    when SQS received it ({@code SentTimestamp}), used when the body carries no time
 */
public record QueuedMessage(String messageId, String body, Instant sentAt) {
}
