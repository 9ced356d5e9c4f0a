package io.cms.constructs.secure;

import io.cms.constructs.nag.Nag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.sqs.RedriveAllowPolicy;
import software.amazon.awscdk.services.sqs.RedrivePermission;
import software.constructs.Construct;

/**
 * A queue that only receives failures (a Lambda's DLQ, an SQS queue's DLQ, an event source's
 * on-failure destination): encrypted, TLS only, messages kept the 14-day maximum, and declared a
 * dead-letter queue by its redrive-allow policy (Control Tower CT.SQS.PR.1), so it has no DLQ of its
 * own and the cdk-nag SQS3 finding is suppressed with the caller's reason. Created in the caller's
 * scope under the caller's id.
 */
public final class DeadLetterQueues {

    /** How long a failure waits to be looked at: the SQS maximum. */
    public static final Duration RETENTION = Duration.days(14);

    private DeadLetterQueues() {
    }

    /**
     * Creates the queue {@code id} in {@code scope}, encrypted with {@code key} (SQS-managed
     * encryption when null); {@code reason} says why the queue needs no DLQ of its own.
     */
    public static Queue create(Construct scope, String id, IKey key, String reason) {
        Queue.Builder builder = Queue.Builder.create(scope, id)
                .redriveAllowPolicy(RedriveAllowPolicy.builder().redrivePermission(RedrivePermission.ALLOW_ALL).build())
                .enforceSsl(true)
                .retentionPeriod(RETENTION);
        if (key == null) {
            builder.encryption(QueueEncryption.SQS_MANAGED);
        } else {
            builder.encryption(QueueEncryption.KMS).encryptionMasterKey(key);
        }
        Queue queue = builder.build();
        Nag.suppress(queue, "AwsSolutions-SQS3", reason);
        return queue;
    }
}
