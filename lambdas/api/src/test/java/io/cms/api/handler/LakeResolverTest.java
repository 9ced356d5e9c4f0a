package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.api.VehicleApi;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryTokens;
import io.cms.api.history.JdbcHistoryEngine;
import io.cms.api.testing.DuckConnections;
import io.cms.api.testing.DynamoTables;
import io.cms.api.testing.Telemetry;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Done means": a lake written by the Connect & Store writer, the latest state fed by
 * the rule handler in shuffled order, and the resolver over DuckDB running the real query builder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LakeResolverTest {

    static final VssCatalog CATALOG = VssCatalog.load();
    static final Instant T0 = Instant.parse("2026-11-22T06:30:00Z");
    static final int VEHICLES = 23;
    static final int MESSAGES = 150; // one a minute: 2.5 hours, three hour partitions

    @TempDir
    static Path lake;

    private AmazonDynamoDBLocal local;
    private Connection duck;
    private GraphQlResolverHandler resolver;
    /** vehicle → message index → timestamp; every message's speed is Telemetry.speed(vehicle, i). */
    private final Map<Integer, Long> newest = new HashMap<>();

    @BeforeAll
    void writeLakeAndState() throws Exception {
        TelemetryValidator validator = new TelemetryValidator(CATALOG);
        local = DynamoDBEmbedded.create();
        DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
        LatestStateStore store = new LatestStateStore(local.dynamoDbClient(), "LatestState");
        LatestStateUpdateHandler updates = new LatestStateUpdateHandler(new LatestStateUpdater(validator, store), Clock.systemUTC());

        List<ObjectNode> messages = new ArrayList<>();
        for (int v = 0; v < VEHICLES; v++) {
            for (int i = 0; i < MESSAGES; i++) {
                messages.add(Telemetry.message(v, T0.toEpochMilli() + i * 60_000L, i));
            }
            newest.put(v, T0.toEpochMilli() + (MESSAGES - 1) * 60_000L);
        }
        Collections.shuffle(messages, new Random(7));
        try (LakeWriter writer = new LakeWriter(LakeWriterConfig.builder(lake).validator(validator).maxBatchRecords(1000).build())) {
            for (ObjectNode m : messages) {
                long receivedAt = m.get("timestamp").asLong() + 150;
                writer.accept(Telemetry.topic(m.get("vin").asText()), Telemetry.bytes(m), receivedAt);
                assertThat(updates.handle(Telemetry.ruleEvent(m, receivedAt)).outcome()).isNotEqualTo(LatestStateUpdater.Outcome.REJECTED);
            }
        }
        duck = DriverManager.getConnection("jdbc:duckdb:");
        LakeSchema schema = new LakeSchema(CATALOG);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        VehicleApi api = new VehicleApi(store, schema,
                new HistoryQueryBuilder(schema, lake.resolve("parquet") + "/**/*.parquet", Dialect.DUCKDB),
                new JdbcHistoryEngine(DuckConnections.of(duck)), new HistoryTokens(key), Duration.ofSeconds(20), Clock.systemUTC());
        resolver = new GraphQlResolverHandler(api);
    }

    @AfterAll
    void stop() throws Exception {
        duck.close();
        local.shutdown();
    }

    private JsonNode call(String field, String arguments) {
        return resolver.resolve(new AppSyncRequest("Query", field, Json.parse(arguments), null));
    }

    @Test
    void latestStateEqualsTheNewestRecord() {
        for (int v = 0; v < VEHICLES; v++) {
            JsonNode vehicle = call("getVehicle", "{\"vin\":\"" + Telemetry.vin(v) + "\"}");
            assertThat(vehicle.get("timestamp").asLong()).isEqualTo(newest.get(v));
            assertThat(vehicle.at("/speed/value").isNumber()).isTrue();
            assertThat(vehicle.at("/speed/value").asDouble()).isEqualTo(Telemetry.speed(v, MESSAGES - 1));
            assertThat(vehicle.at("/vehicleIdentification/vin/value").asText()).isEqualTo(Telemetry.vin(v));
        }
    }

    @Test
    void unknownVehicleIsNull() {
        assertThat(call("getVehicle", "{\"vin\":\"" + Telemetry.vin(999) + "\"}").isNull()).isTrue();
    }

    @Test
    void historyReturnsExactlyTheRecordsInRangeInOrder() {
        int vehicle = 5;
        Instant from = T0.plusSeconds(20 * 60);
        Instant to = T0.plusSeconds(107 * 60);
        List<Long> timestamps = new ArrayList<>();
        List<Float> speeds = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = call("getVehicleHistory", Json.write(Json.object()
                    .put("vin", Telemetry.vin(vehicle)).put("from", from.toString()).put("to", to.toString())
                    .put("limit", 10).put("nextToken", token)
                    .set("signals", Json.MAPPER.createArrayNode().add("Vehicle.Speed").add("Vehicle.OBD.DTCList"))));
            for (JsonNode item : page.get("items")) {
                timestamps.add(item.get("timestamp").asLong());
                speeds.add(item.at("/speed/value").floatValue());
                assertThat(item.get("vin").asText()).isEqualTo(Telemetry.vin(vehicle));
            }
            token = page.get("nextToken").isNull() ? null : page.get("nextToken").asText();
            pages++;
        } while (token != null);
        List<Long> expectedTs = new ArrayList<>();
        List<Float> expectedSpeeds = new ArrayList<>(); // Vehicle.Speed is a VSS float
        for (int i = 20; i < 107; i++) {
            expectedTs.add(T0.toEpochMilli() + i * 60_000L);
            expectedSpeeds.add((float) Telemetry.speed(vehicle, i));
        }
        assertThat(timestamps).isEqualTo(expectedTs);
        assertThat(speeds).isEqualTo(expectedSpeeds);
        assertThat(pages).isEqualTo(9);
    }

    @Test
    void historyValuesAreTypedAndMissingSignalsAreNull() {
        JsonNode items = call("getVehicleHistory", Json.write(Json.object()
                .put("vin", Telemetry.vin(2)).put("from", T0.toString()).put("to", T0.plusSeconds(120).toString())
                .set("signals", Json.MAPPER.createArrayNode().add("Vehicle.OBD.DTCList").add("Vehicle.IsMoving")))).get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).at("/obd/dtcList/value").isNull()).as("message 0 has no DTC list").isTrue();
        assertThat(items.get(1).at("/obd/dtcList/value/1").asText()).isEqualTo("U0100");
        assertThat(items.get(0).at("/isMoving/value").isBoolean()).isTrue();
        assertThat(items.get(0).has("speed")).as("only the requested signals").isFalse();
    }

    @Test
    void pagingVisitsEveryVehicleOnce() {
        Set<String> seen = new HashSet<>();
        int visits = 0;
        String token = null;
        do {
            JsonNode page = call("listVehiclesPage", Json.write(Json.object().put("limit", 4).put("nextToken", token)));
            for (JsonNode item : page.get("items")) {
                seen.add(item.get("vin").asText());
                visits++;
            }
            token = page.get("nextToken").isNull() ? null : page.get("nextToken").asText();
        } while (token != null);
        assertThat(visits).isEqualTo(VEHICLES);
        assertThat(seen).hasSize(VEHICLES);
    }

    @Test
    void originalListVehiclesPagesDistinctVehicles() {
        assertThat(call("listVehicles", "{}")).hasSize(VEHICLES);
        assertThat(call("listVehicles", "{\"page\":1}")).isEmpty();
    }
}
