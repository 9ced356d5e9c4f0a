package io.cms.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The Notifications table: partition key {@code topic}, sort key {@code timestamp}, global secondary
 * index {@value #VIN_INDEX} (partition {@code vin}, sort {@code timestamp}), TTL attribute
 * {@code ttl}, stream with new images feeding send-notifications.
 */
public final class NotificationStore {

    /** Attribute names. */
    public static final String TOPIC = "topic";
    public static final String TIMESTAMP = "timestamp";
    public static final String VIN = "vin";
    public static final String ALARM_TYPE = "alarmType";
    public static final String MESSAGE = "message";
    public static final String READ = "read";
    public static final String TTL = "ttl";
    public static final String CREATED_AT = "createdAt";
    /**
     * Set on idempotency-key markers only: the id of the notification the key was first recorded as.
     * A marker's partition key is {@value #MARKER_PREFIX} and the topic, its sort key the idempotency
     * key; it has no {@code vin}, so neither a topic's listing nor {@link #VIN_INDEX} ever returns it.
     */
    public static final String IDEMPOTENCY_OF = "idempotencyOf";
    /** Partition-key prefix of idempotency-key markers. */
    public static final String MARKER_PREFIX = "idempotency#";
    /** Index listing a VIN's notifications across alarm types, newest first. */
    public static final String VIN_INDEX = "vin-index";

    /** Largest page a caller may ask for. */
    public static final int MAX_PAGE = 100;

    private static final Set<String> TOKEN_KEYS = Set.of(TOPIC, TIMESTAMP, VIN);

    private final DynamoDbClient dynamo;
    private final String table;

    public NotificationStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Writes the notification unless a row with the same key exists. Returns false for a duplicate:
     * the same message delivered again writes nothing and so triggers no second email.
     */
    public boolean insertOnce(Notification n) {
        Map<String, AttributeValue> item = item(n);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#t)")
                    .expressionAttributeNames(Map.of("#t", TOPIC)));
            return true;
        } catch (ConditionalCheckFailedException duplicate) {
            return false;
        }
    }

    private static Map<String, AttributeValue> item(Notification n) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TOPIC, s(n.topic()));
        item.put(TIMESTAMP, s(n.timestamp()));
        item.put(VIN, s(n.vin()));
        item.put(ALARM_TYPE, s(n.alarmType()));
        item.put(MESSAGE, s(n.message()));
        item.put(READ, AttributeValue.fromBool(n.read()));
        item.put(CREATED_AT, s(n.createdAt().toString()));
        item.put(TTL, AttributeValue.fromN(Long.toString(n.expiresAt().getEpochSecond())));
        return item;
    }

    /**
     * As {@link #insertOnce(Notification)}; with an idempotency key, the notification is written
     * together with a marker {@code (idempotency#{topic}, key)} in one transaction, each only if absent,
     * so a second alert with the same topic and key (a publisher's retry, which SNS gives a new message
     * id) writes nothing either. The marker expires with the notification ({@code ttl}).
     */
    public boolean insertOnce(Notification n, String idempotencyKey) {
        if (idempotencyKey == null) {
            return insertOnce(n);
        }
        Map<String, AttributeValue> marker = Map.of(
                TOPIC, s(MARKER_PREFIX + n.topic()),
                TIMESTAMP, s(idempotencyKey),
                IDEMPOTENCY_OF, s(n.id()),
                CREATED_AT, s(n.createdAt().toString()),
                TTL, AttributeValue.fromN(Long.toString(n.expiresAt().getEpochSecond())));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(absent(marker)).build(),
                    TransactWriteItem.builder().put(absent(item(n))).build()));
            return true;
        } catch (TransactionCanceledException e) {
            boolean duplicate = e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (duplicate) {
                return false;
            }
            throw e;
        }
    }

    /** Whether a row (or stream image) is an idempotency-key marker rather than a notification. */
    public static boolean isIdempotencyMarker(Map<String, AttributeValue> item) {
        return item.containsKey(IDEMPOTENCY_OF);
    }

    private Put absent(Map<String, AttributeValue> item) {
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(#t)")
                .expressionAttributeNames(Map.of("#t", TOPIC)).build();
    }

    /** One notification, if it exists. */
    public Optional<Notification> get(Notification.Key key) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(TOPIC, s(key.topic()), TIMESTAMP, s(key.timestamp())))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * A page of a VIN's notifications, newest first; with {@code topic} set, only that topic's
     * (that is, one alarm type's).
     */
    public Page<Notification> list(String vin, String topic, int limit, String nextToken) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new BadInputException("limit must be within 1.." + MAX_PAGE);
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).limit(limit).scanIndexForward(false);
        if (topic != null) {
            query.keyConditionExpression("#k = :k")
                    .expressionAttributeNames(Map.of("#k", TOPIC))
                    .expressionAttributeValues(Map.of(":k", s(topic)));
        } else {
            query.indexName(VIN_INDEX).keyConditionExpression("#k = :k")
                    .expressionAttributeNames(Map.of("#k", VIN))
                    .expressionAttributeValues(Map.of(":k", s(vin)));
        }
        if (nextToken != null) {
            query.exclusiveStartKey(decodeToken(nextToken, vin, topic));
        }
        QueryResponse response = dynamo.query(query.build());
        List<Notification> items = response.items().stream().map(NotificationStore::fromItem).toList();
        String token = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeToken(response.lastEvaluatedKey()) : null;
        return new Page<>(items, token);
    }

    /**
     * Marks a notification read for everyone (the row is shared by every subscriber of its VIN); false
     * when it does not exist (never creates a row).
     */
    public boolean markRead(Notification.Key key) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(TOPIC, s(key.topic()), TIMESTAMP, s(key.timestamp())))
                    .updateExpression("SET #r = :true")
                    .conditionExpression("attribute_exists(#t)")
                    .expressionAttributeNames(Map.of("#r", READ, "#t", TOPIC))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException missing) {
            return false;
        }
    }

    /** Reads a row (also the new image of a stream record). */
    public static Notification fromItem(Map<String, AttributeValue> item) {
        String topic = text(item, TOPIC);
        String timestamp = text(item, TIMESTAMP);
        AttributeValue read = item.get(READ);
        AttributeValue ttl = item.get(TTL);
        String created = text(item, CREATED_AT);
        try {
            return new Notification(topic, timestamp, text(item, VIN), text(item, ALARM_TYPE), text(item, MESSAGE),
                    Instant.parse(created), read != null && Boolean.TRUE.equals(read.bool()),
                    Instant.ofEpochSecond(ttl == null || ttl.n() == null ? 0 : Long.parseLong(ttl.n())));
        } catch (RuntimeException e) {
            throw new BadInputException("notification " + topic + "/" + timestamp + " is malformed: " + e.getMessage());
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null) {
            throw new BadInputException("notification row lacks string attribute '" + name + "'");
        }
        return value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static String encodeToken(Map<String, AttributeValue> key) {
        ObjectNode node = Json.object();
        key.forEach((k, v) -> node.put(k, v.s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeToken(String token, String vin, String topic) {
        JsonNode node;
        try {
            node = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("nextToken is not a token this API issued");
        }
        Map<String, AttributeValue> key = new HashMap<>();
        node.fields().forEachRemaining(f -> key.put(f.getKey(), s(f.getValue().asText())));
        boolean shapeOk = node.isObject() && TOKEN_KEYS.containsAll(key.keySet()) && key.containsKey(TOPIC)
                && key.containsKey(TIMESTAMP) && (topic != null ? topic.equals(key.get(TOPIC).s())
                        : key.containsKey(VIN) && vin.equals(key.get(VIN).s()));
        if (!shapeOk) {
            throw new BadInputException("nextToken does not belong to this listing");
        }
        return key;
    }
}
