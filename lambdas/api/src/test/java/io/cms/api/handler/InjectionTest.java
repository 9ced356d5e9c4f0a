package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.VehicleApi;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryCursor;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryRequest;
import io.cms.api.history.HistoryTokens;
import io.cms.api.testing.RecordingEngine;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Injection attempts in vin, signals and nextToken are GraphQL errors and reach no engine and no
 * table: the engine records every call, and the DynamoDB client fails any call it gets.
 */
class InjectionTest {

    static final String VIN = "1HGCM82633A004352";
    static final String FROM = "2026-11-22T07:00:00Z";
    static final String TO = "2026-11-22T08:00:00Z";
    static final String TEN_KB = "A".repeat(10_240);
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** A DynamoDB client that must never be called: every operation throws UnsupportedOperationException. */
    static final DynamoDbClient NO_TABLE = new DynamoDbClient() {
        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    };

    final RecordingEngine engine = new RecordingEngine();
    final LakeSchema lake = new LakeSchema(VssCatalog.load());
    final HistoryTokens tokens = new HistoryTokens(KEY);
    final GraphQlResolverHandler resolver = new GraphQlResolverHandler(new VehicleApi(new LatestStateStore(NO_TABLE, "t"), lake,
            new HistoryQueryBuilder(lake, "\"db\".\"t\"", Dialect.ATHENA), engine, tokens, Duration.ofSeconds(20), Clock.systemUTC()));

    private static ObjectNode history(String vin, List<String> signals, String token) {
        ObjectNode args = Json.object().put("vin", vin).put("from", FROM).put("to", TO).put("limit", 10).put("nextToken", token);
        ArrayNode list = args.putArray("signals");
        signals.forEach(list::add);
        return args;
    }

    private void refused(String field, ObjectNode arguments, String message) {
        assertThatThrownBy(() -> resolver.resolve(new AppSyncRequest("Query", field, arguments, null)))
                .isInstanceOf(BadInputException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        assertThat(engine.calls).as("engine calls").isEmpty();
    }

    @Test
    void hostileVinsAreRefusedBeforeAnyTableOrEngine() {
        for (String vin : List.of("1HGCM82633A00435' OR '1'='1", "1HGCM82633A004352--", "1HGCM82633A004352/*",
                "1HGCM82633A004352 UNION SELECT 1", "", TEN_KB)) {
            refused("getVehicle", Json.object().put("vin", vin), "vin must be");
            refused("getVehicleHistory", history(vin, List.of("Vehicle.Speed"), null), "vin must be");
        }
    }

    @Test
    void hostileOrUnknownSignalsAreRefusedBeforeTheEngine() {
        for (String signal : List.of("Vehicle.Speed\" FROM t; --", "Vehicle.Speed UNION SELECT password FROM users",
                "vehicle_speed", "Vehicle.Speed/**/", "Vehicle.Unknown", "'", TEN_KB)) {
            refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed", signal), null), "unknown signal");
        }
        refused("getVehicleHistory", history(VIN, List.of(), null), "at least one");
        refused("getVehicleHistory", history(VIN, java.util.Collections.nCopies(51, "Vehicle.Speed"), null), "at most 50");
    }

    @Test
    void hostileTokensAreRefusedBeforeTheEngine() {
        for (String token : List.of("' OR 1=1 --", TEN_KB, "a.b", "x", "..", "h2|AAAAAAAAAAAAAAAAAAAAAA|1:1|-")) {
            refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), token), "nextToken is not valid");
            refused("listVehiclesPage", Json.object().put("nextToken", token), "nextToken is not valid");
        }
    }

    @Test
    void aTamperedTokenIsRefused() {
        HistoryRequest request = new HistoryRequest(VIN, Instant.parse(FROM), Instant.parse(TO), List.of("Vehicle.Speed"), 10);
        String token = tokens.encode(request, new HistoryCursor(Instant.parse(FROM).toEpochMilli() + 60_000, 1, null));
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.US_ASCII);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("|-", "|00000000-0000-0000-0000-000000000000")
                .getBytes(StandardCharsets.US_ASCII)) + token.substring(token.indexOf('.'));
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), forged), "nextToken is not valid");
        char[] flipped = token.toCharArray();
        flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), new String(flipped)), "nextToken is not valid");
        String otherKey = new HistoryTokens(Arrays.copyOf("another key, another deployment!".getBytes(StandardCharsets.US_ASCII), 32))
                .encode(request, HistoryCursor.START);
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), otherKey), "nextToken is not valid");
    }

    @Test
    void aTokenOfAnotherQueryIsRefused() {
        HistoryRequest other = new HistoryRequest("5YJ3E1EA7KF317000", Instant.parse(FROM), Instant.parse(TO), List.of("Vehicle.Speed"), 10);
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), tokens.encode(other, new HistoryCursor(1L, 1, null))),
                "belongs to another query");
    }

    @Test
    void badTimesAndLimitsAreRefusedBeforeTheEngine() {
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null).put("from", "yesterday'; DROP TABLE x"), "ISO-8601");
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null).put("to", TEN_KB), "ISO-8601");
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null).put("limit", 5000), "limit");
        refused("listVehicles", Json.object().put("page", 100), "page");
    }

    @Test
    void timesOutsideTheLakesYearsAreRefusedNamingTheArgument() {
        // Valid ISO-8601 instants whose epoch milliseconds overflow a long, or that no record can have.
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null)
                .put("from", "+999999999-01-01T00:00:00Z").put("to", "+999999999-01-01T01:00:00Z"), "from must be between");
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null)
                .put("from", "-999999999-01-01T00:00:00Z").put("to", "-999999999-01-01T01:00:00Z"), "from must be between");
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null).put("from", "1969-12-31T23:00:00Z")
                .put("to", "1970-01-01T00:30:00Z"), "from must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z");
        refused("getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null).put("from", "9999-12-31T23:00:00Z")
                .put("to", "+10000-01-01T00:00:00.001Z"), "to must be between");
    }

    @Test
    void aValidRequestDoesReachTheEngineWithTheVinAsAParameter() {
        resolver.resolve(new AppSyncRequest("Query", "getVehicleHistory", history(VIN, List.of("Vehicle.Speed"), null), null));
        assertThat(engine.calls).hasSize(1);
        assertThat(engine.calls.get(0).sql()).doesNotContain(VIN);
        assertThat(engine.calls.get(0).parameters()).startsWith(VIN);
        List<Object> copy = new ArrayList<>(engine.calls.get(0).parameters());
        assertThat(copy).hasSize(3);
    }
}
