package io.cms.alerts.testutils;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.NotificationStore;
import io.cms.alerts.SubscriptionStore;
import io.cms.lambda.common.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local (in-process, the real engine) with the two Alerts tables as the stack creates them,
 * and a reader of the Notifications stream that turns its records into the Lambda event
 * send-notifications receives. A test class registers one for all its tests with
 * {@code @RegisterExtension static final AlertsTables TABLES = new AlertsTables();} (closed after
 * the class; each test starts from {@link #clear()}).
 */
public final class AlertsTables implements AutoCloseable, AfterAllCallback {

    public static final String NOTIFICATIONS = "Notifications";
    public static final String SUBSCRIPTIONS = "UserEmailSubscriptions";

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final Map<String, String> lastSequence = new HashMap<>();
    private String streamArn;

    public AlertsTables() {
        local = DynamoDBEmbedded.create();
        dynamo = local.dynamoDbClient();
        streams = local.dynamoDbStreamsClient();
        dynamo.createTable(b -> b.tableName(NOTIFICATIONS)
                .attributeDefinitions(attr(NotificationStore.TOPIC), attr(NotificationStore.TIMESTAMP),
                        attr(NotificationStore.VIN))
                .keySchema(key(NotificationStore.TOPIC, KeyType.HASH), key(NotificationStore.TIMESTAMP, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(NotificationStore.VIN_INDEX)
                        .keySchema(key(NotificationStore.VIN, KeyType.HASH), key(NotificationStore.TIMESTAMP, KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamo.createTable(b -> b.tableName(SUBSCRIPTIONS)
                .attributeDefinitions(attr(SubscriptionStore.EMAIL), attr(SubscriptionStore.TOPIC_KEY))
                .keySchema(key(SubscriptionStore.EMAIL, KeyType.HASH), key(SubscriptionStore.TOPIC_KEY, KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        streamArn = dynamo.describeTable(b -> b.tableName(NOTIFICATIONS)).table().latestStreamArn();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public NotificationStore notifications() {
        return new NotificationStore(dynamo, NOTIFICATIONS);
    }

    public SubscriptionStore subscriptions() {
        return new SubscriptionStore(dynamo, SUBSCRIPTIONS);
    }

    /** Number of rows in the Notifications table. */
    public int notificationCount() {
        return dynamo.scan(b -> b.tableName(NOTIFICATIONS)).count();
    }

    /** Deletes every row of both tables (between tests). */
    public void clear() {
        dynamo.scan(b -> b.tableName(NOTIFICATIONS)).items().forEach(i -> dynamo.deleteItem(b -> b.tableName(NOTIFICATIONS)
                .key(Map.of(NotificationStore.TOPIC, i.get(NotificationStore.TOPIC),
                        NotificationStore.TIMESTAMP, i.get(NotificationStore.TIMESTAMP)))));
        dynamo.scan(b -> b.tableName(SUBSCRIPTIONS)).items().forEach(i -> dynamo.deleteItem(b -> b.tableName(SUBSCRIPTIONS)
                .key(Map.of(SubscriptionStore.EMAIL, i.get(SubscriptionStore.EMAIL),
                        SubscriptionStore.TOPIC_KEY, i.get(SubscriptionStore.TOPIC_KEY)))));
        pollStream();
    }

    /**
     * The stream records written since the last call, as the DynamoDB-stream Lambda event
     * ({@code {"Records": [{eventID, eventName, dynamodb: {Keys, NewImage, SequenceNumber}}]}}).
     */
    public ObjectNode pollStream() {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        List<Shard> shards = streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            String last = lastSequence.get(shard.shardId());
            String iterator;
            try {
                iterator = streams.getShardIterator(b -> {
                    b.streamArn(streamArn).shardId(shard.shardId());
                    if (last == null) {
                        b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    } else {
                        b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(last);
                    }
                }).shardIterator();
                while (iterator != null) {
                    final String current = iterator;
                    GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(current));
                    for (Record r : response.records()) {
                        records.add(lambdaRecord(r));
                        lastSequence.put(shard.shardId(), r.dynamodb().sequenceNumber());
                    }
                    iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                }
            } catch (TrimmedDataAccessException empty) {
                // DynamoDB Local answers this for a shard that has no records yet.
            }
        }
        return event;
    }

    private static ObjectNode lambdaRecord(Record record) {
        ObjectNode node = Json.object();
        node.put("eventID", record.eventID());
        node.put("eventName", record.eventNameAsString());
        node.put("eventSource", "aws:dynamodb");
        ObjectNode dynamodb = node.putObject("dynamodb");
        dynamodb.set("Keys", image(record.dynamodb().keys()));
        if (record.dynamodb().hasNewImage()) {
            dynamodb.set("NewImage", image(record.dynamodb().newImage()));
        }
        dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
        dynamodb.put("StreamViewType", "NEW_IMAGE");
        return node;
    }

    /** DynamoDB typed JSON of an item. */
    public static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode node = Json.object();
        item.forEach((k, v) -> node.set(k, typed(v)));
        return node;
    }

    private static JsonNode typed(AttributeValue v) {
        ObjectNode node = Json.object();
        if (v.s() != null) {
            node.put("S", v.s());
        } else if (v.n() != null) {
            node.put("N", v.n());
        } else if (v.bool() != null) {
            node.put("BOOL", v.bool());
        } else if (Boolean.TRUE.equals(v.nul())) {
            node.put("NULL", true);
        } else if (v.hasM()) {
            node.set("M", image(v.m()));
        } else if (v.hasL()) {
            ArrayNode list = node.putArray("L");
            v.l().forEach(e -> list.add(typed(e)));
        } else {
            throw new IllegalArgumentException("unsupported attribute " + v);
        }
        return node;
    }

    @Override
    public void close() {
        local.shutdown();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
