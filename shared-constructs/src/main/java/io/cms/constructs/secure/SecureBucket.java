package io.cms.constructs.secure;

import io.cms.constructs.nag.Nag;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * A bucket with the defaults CMS data needs: a customer-managed KMS key with rotation (or one
 * given), versioning, TLS-only access, all public access blocked, server access logs to a
 * companion log bucket (or one given), and retention on stack deletion.
 */
public class SecureBucket extends Construct {

    private final Bucket bucket;
    private final IKey key;
    private final IBucket accessLogsBucket;

    /**
     * @param key the KMS key, or null to create one with rotation
     * @param accessLogs the bucket receiving server access logs, or null to create one
     */
    public SecureBucket(Construct scope, String id, IKey key, IBucket accessLogs) {
        super(scope, id);
        this.key = key != null ? key : KmsKeys.create(this, "Key", "Encrypts " + id + " objects");
        this.accessLogsBucket = accessLogs != null ? accessLogs : accessLogBucket(this, "AccessLogs");
        this.bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.KMS)
                .encryptionKey(this.key)
                .bucketKeyEnabled(true)
                .versioned(true)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogsBucket)
                .serverAccessLogsPrefix(id + "/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /**
     * A bucket for S3 server access logs. Log delivery supports only SSE-S3 here, and a log bucket
     * logging to itself would loop, so both are suppressed with that reason.
     */
    public static Bucket accessLogBucket(Construct scope, String id) {
        Bucket logs = Bucket.Builder.create(scope, id)
                .encryption(BucketEncryption.S3_MANAGED)
                .versioned(true)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .lifecycleRules(java.util.List.of(LifecycleRule.builder()
                        .expiration(Duration.days(365))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.suppress(logs, "AwsSolutions-S1",
                "This is the server access log bucket; logging it to itself would create an endless loop of log objects");
        return logs;
    }

    public Bucket bucket() {
        return bucket;
    }

    public IKey key() {
        return key;
    }

    public IBucket accessLogsBucket() {
        return accessLogsBucket;
    }
}
