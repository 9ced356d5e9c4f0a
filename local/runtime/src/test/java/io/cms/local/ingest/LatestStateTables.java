package io.cms.local.ingest;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Latest-state tables (partition key {@code vin}) for the ingest tests. */
final class LatestStateTables {

    private LatestStateTables() {
    }

    static void create(DynamoDbClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .attributeDefinitions(a -> a.attributeName("vin").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("vin").keyType(KeyType.HASH)).billingMode(BillingMode.PAY_PER_REQUEST));
    }
}
