package io.cms.alerts.sns;

import io.cms.alerts.Alert;
import io.cms.alerts.AlertIntake;
import software.amazon.awssdk.services.sns.SnsClient;

/** {@link AlertIntake} on the module's alerts SNS topic (which fans out to the create-alerts queue). */
public final class SnsAlertIntake implements AlertIntake {

    private final SnsClient sns;
    private final String topicArn;

    public SnsAlertIntake(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public String submit(Alert alert) {
        return sns.publish(b -> b.topicArn(topicArn).message(alert.toJson())).messageId();
    }
}
