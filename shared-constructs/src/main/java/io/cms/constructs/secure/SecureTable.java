package io.cms.constructs.secure;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * A DynamoDB table with the defaults CMS data needs: on-demand billing, a customer-managed KMS
 * key with rotation (or one given), point-in-time recovery, deletion protection and retention.
 */
public class SecureTable extends Construct {

    private final Table table;
    private final IKey key;

    /**
     * @param partitionKey string partition key name
     * @param sortKey string sort key name, or null
     * @param key the KMS key, or null to create one
     * @param stream the stream view, or null for no stream
     * @param timeToLiveAttribute the TTL attribute, or null
     */
    public SecureTable(Construct scope, String id, String tableName, String partitionKey, String sortKey, IKey key,
                       StreamViewType stream, String timeToLiveAttribute) {
        super(scope, id);
        this.key = key != null ? key : KmsKeys.create(this, "Key", "Encrypts the " + id + " table");
        Table.Builder builder = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.CUSTOMER_MANAGED)
                .encryptionKey(this.key)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN);
        if (tableName != null) {
            builder.tableName(tableName);
        }
        if (sortKey != null) {
            builder.sortKey(Attribute.builder().name(sortKey).type(AttributeType.STRING).build());
        }
        if (stream != null) {
            builder.stream(stream);
        }
        if (timeToLiveAttribute != null) {
            builder.timeToLiveAttribute(timeToLiveAttribute);
        }
        this.table = builder.build();
    }

    public Table table() {
        return table;
    }

    public IKey key() {
        return key;
    }
}
