package io.cms.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The UserEmailSubscriptions table (the original's layout): partition key {@code email}, sort key
 * {@code topic_key} (the topic name), attributes {@code subscription_arn}, {@code vin},
 * {@code alarm_type}. A row exists while the user has email enabled for that VIN and alarm type.
 */
public final class SubscriptionStore {

    public static final String EMAIL = "email";
    public static final String TOPIC_KEY = "topic_key";
    public static final String SUBSCRIPTION_ARN = "subscription_arn";
    public static final String VIN = "vin";
    public static final String ALARM_TYPE = "alarm_type";

    /**
     * One subscription row.
     *
     * @param email           normalised email
     * @param topicKey        topic name
     * @param subscriptionArn subscription ARN returned when subscribing
     * @param vin             the vehicle
     * @param alarmType       the alarm type
     */
    public record Row(String email, String topicKey, String subscriptionArn, String vin, String alarmType) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public SubscriptionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Every row of one email, in topic order. */
    public List<Row> byEmail(String email) {
        List<Row> rows = new ArrayList<>();
        QueryRequest query = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#e = :e")
                .expressionAttributeNames(Map.of("#e", EMAIL))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS(email)))
                .build();
        dynamo.queryPaginator(query).items().forEach(item -> rows.add(new Row(
                text(item, EMAIL), text(item, TOPIC_KEY), text(item, SUBSCRIPTION_ARN),
                text(item, VIN), text(item, ALARM_TYPE))));
        return rows;
    }

    /** Writes (or replaces) a row. */
    public void put(Row row) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of(
                EMAIL, AttributeValue.fromS(row.email()),
                TOPIC_KEY, AttributeValue.fromS(row.topicKey()),
                SUBSCRIPTION_ARN, AttributeValue.fromS(row.subscriptionArn()),
                VIN, AttributeValue.fromS(row.vin()),
                ALARM_TYPE, AttributeValue.fromS(row.alarmType()))));
    }

    /** Deletes a row (no error if it is gone). */
    public void delete(String email, String topicKey) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of(
                EMAIL, AttributeValue.fromS(email), TOPIC_KEY, AttributeValue.fromS(topicKey))));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
