package io.cms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The per-vehicle latest-state projection (table PK {@code vin}). Telemetry updates it with a
 * conditional write, so a message older than the stored one never overwrites it, whatever order
 * messages arrive in. {@code getVehicle} reads one item (milliseconds, not an Athena scan), and
 * {@code listVehicles} pages distinct vehicles, not telemetry rows.
 */
public final class LatestStateStore {

    /** The largest page {@code listVehicles} returns. */
    public static final int MAX_PAGE = 100;
    private static final int MAX_TOKEN = 256;

    private final DynamoDbClient dynamo;
    private final String table;

    public LatestStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Records a message's signals if it is newer than what is stored.
     *
     * @return true when the state changed, false when the message was older (or as old) and ignored
     */
    public boolean update(String vin, long timestamp, ObjectNode signals) {
        Vin.require(vin);
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            "vin", AttributeValue.fromS(vin),
                            "ts", AttributeValue.fromN(Long.toString(timestamp)),
                            "signals", AttributeValue.fromS(Json.write(signals))))
                    .conditionExpression("attribute_not_exists(vin) OR ts < :ts")
                    .expressionAttributeValues(Map.of(":ts", AttributeValue.fromN(Long.toString(timestamp)))));
            return true;
        } catch (ConditionalCheckFailedException olderOrSame) {
            return false;
        }
    }

    /** The latest state of a vehicle, or empty when it never sent telemetry. */
    public Optional<VehicleState> get(String vin) {
        Vin.require(vin);
        GetItemResponse response = dynamo.getItem(b -> b.tableName(table).key(Map.of("vin", AttributeValue.fromS(vin))));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(toState(response.item())) : Optional.empty();
    }

    /** A page of distinct vehicles with their latest state. */
    public Page<VehicleState> list(int limit, String nextToken) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new BadInputException("limit must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        Map<String, AttributeValue> start = nextToken == null ? null : Map.of("vin", AttributeValue.fromS(decodeToken(nextToken)));
        ScanResponse response = dynamo.scan(b -> b.tableName(table).limit(limit).exclusiveStartKey(start));
        List<VehicleState> items = new ArrayList<>();
        response.items().forEach(item -> items.add(toState(item)));
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeToken(response.lastEvaluatedKey().get("vin").s()) : null;
        return new Page<>(items, next);
    }

    /** Tokens are opaque to callers but checked strictly: only a VIN we produced is accepted. */
    static String encodeToken(String vin) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + vin).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String token) {
        if (token.length() > MAX_TOKEN) {
            throw new BadInputException("nextToken is not valid");
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith("v1:") || !Vin.isValid(decoded.substring(3))) {
                throw new BadInputException("nextToken is not valid");
            }
            return decoded.substring(3);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("nextToken is not valid");
        }
    }

    private static VehicleState toState(Map<String, AttributeValue> item) {
        JsonNode signals = Json.parse(item.get("signals").s());
        return new VehicleState(item.get("vin").s(), Long.parseLong(item.get("ts").n()), (ObjectNode) signals);
    }
}
