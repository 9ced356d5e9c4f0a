package io.cms.alerts;

/** Where published alerts go first: the module's alerts topic (SNS → SQS → create-alerts). */
@FunctionalInterface
public interface AlertIntake {

    /** Submits an alert; returns the message id. Any failure is thrown. */
    String submit(Alert alert);
}
