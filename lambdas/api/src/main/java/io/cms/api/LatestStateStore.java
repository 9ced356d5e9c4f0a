package io.cms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

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
    /** Conditional puts per {@link #updateAll} transaction (DynamoDB allows 100). */
    public static final int TRANSACTION_ITEMS = 25;
    /** Signal bytes per transaction, well under DynamoDB's 4 MB per transaction. */
    private static final long TRANSACTION_BYTES = 2L * 1024 * 1024;
    private static final int TRANSACTION_ATTEMPTS = 4;
    /** The ordering guard: store only a state newer than the stored one. */
    private static final String GUARD = "attribute_not_exists(vin) OR ts < :ts";

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
        return putIfNewer(new Update(vin, timestamp, signals), Json.write(signals));
    }

    /** The conditional put of {@link #update}, with the signals already serialized. */
    private boolean putIfNewer(Update u, String body) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(u, body)).conditionExpression(GUARD).expressionAttributeValues(guard(u)));
            return true;
        } catch (ConditionalCheckFailedException olderOrSame) {
            return false;
        }
    }

    /**
     * One vehicle's new state for {@link #updateAll}.
     *
     * @param vin       the vehicle
     * @param timestamp measurement time (epoch ms)
     * @param signals   the reported signals, nested by VSS path
     */
    public record Update(String vin, long timestamp, ObjectNode signals) {
    }

    /**
     * Applies many vehicles' updates with the same ordering guard as {@link #update}, in
     * transactions of up to {@link #TRANSACTION_ITEMS} conditional puts: one request per
     * transaction instead of one per vehicle (DynamoDB Local spends about a fifth of the CPU per
     * item this way). A transaction whose guard refuses some items is cancelled as a whole; those
     * items are older than what is stored, the rest are written again without them.
     *
     * @param updates at most one update per vehicle
     * @return per update, in order, true when stored and false when the stored state was newer (or as new)
     * @throws IllegalArgumentException when a vehicle appears twice
     */
    public List<Boolean> updateAll(List<Update> updates) {
        Set<String> vins = new HashSet<>();
        for (Update u : updates) {
            Vin.require(u.vin());
            if (!vins.add(u.vin())) {
                throw new IllegalArgumentException("vehicle " + u.vin() + " appears twice in one latest-state batch");
            }
        }
        List<Boolean> stored = new ArrayList<>(Collections.nCopies(updates.size(), Boolean.FALSE));
        List<Integer> chunk = new ArrayList<>();
        long chunkBytes = 0;
        List<String> bodies = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            String body = Json.write(updates.get(i).signals());
            bodies.add(body);
            if (!chunk.isEmpty() && (chunk.size() == TRANSACTION_ITEMS || chunkBytes + body.length() > TRANSACTION_BYTES)) {
                writeTransaction(updates, bodies, chunk, stored);
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(i);
            chunkBytes += body.length();
        }
        if (!chunk.isEmpty()) {
            writeTransaction(updates, bodies, chunk, stored);
        }
        return stored;
    }

    private void writeTransaction(List<Update> updates, List<String> bodies, List<Integer> indexes, List<Boolean> stored) {
        List<Integer> remaining = indexes;
        // Each cancelled attempt removes at least one refused item, so this ends; a cancellation
        // for any other reason (a conflicting writer) is retried a few times, then item by item.
        for (int attempt = 0; !remaining.isEmpty() && attempt < TRANSACTION_ATTEMPTS; attempt++) {
            if (remaining.size() == 1) {
                int only = remaining.get(0);
                stored.set(only, putIfNewer(updates.get(only), bodies.get(only)));
                return;
            }
            List<TransactWriteItem> items = new ArrayList<>(remaining.size());
            for (int i : remaining) {
                items.add(TransactWriteItem.builder().put(put(updates.get(i), bodies.get(i))).build());
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(items));
                remaining.forEach(i -> stored.set(i, Boolean.TRUE));
                return;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (reasons == null || reasons.size() != remaining.size()) {
                    break;
                }
                List<Integer> again = new ArrayList<>();
                for (int k = 0; k < reasons.size(); k++) {
                    if (!"ConditionalCheckFailed".equals(reasons.get(k).code())) {
                        again.add(remaining.get(k));
                    }
                }
                remaining = again;
            }
        }
        for (int i : remaining) {
            stored.set(i, putIfNewer(updates.get(i), bodies.get(i)));
        }
    }

    private Put put(Update u, String body) {
        return Put.builder().tableName(table).item(item(u, body)).conditionExpression(GUARD).expressionAttributeValues(guard(u)).build();
    }

    private static Map<String, AttributeValue> item(Update u, String body) {
        return Map.of("vin", AttributeValue.fromS(u.vin()), "ts", AttributeValue.fromN(Long.toString(u.timestamp())),
                "signals", AttributeValue.fromS(body));
    }

    /** The value {@link #GUARD} compares the stored timestamp with. */
    private static Map<String, AttributeValue> guard(Update u) {
        return Map.of(":ts", AttributeValue.fromN(Long.toString(u.timestamp())));
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
