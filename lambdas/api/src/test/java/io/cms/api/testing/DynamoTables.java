package io.cms.api.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The latest-state table as the stack creates it (PK {@code vin}). */
public final class DynamoTables {

    private DynamoTables() {
    }

    public static void createLatestState(DynamoDbClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("vin").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("vin").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }
}
