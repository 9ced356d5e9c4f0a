package io.cms.alerts;

/**
 * An email subscription to a notification topic.
 *
 * @param arn    the subscription ARN (SNS returns it at once when asked to)
 * @param status whether the address has confirmed yet
 */
public record EmailSubscription(String arn, Status status) {

    /** Subscription states as reported to users. */
    public enum Status {
        /** The address confirmed; alerts are delivered. */
        CONFIRMED,
        /** SNS sent a confirmation email that has not been answered yet; nothing is delivered until it is. */
        PENDING_CONFIRMATION,
        /** The subscription no longer exists (the user unsubscribed by email, or confirmation expired). */
        UNSUBSCRIBED
    }
}
