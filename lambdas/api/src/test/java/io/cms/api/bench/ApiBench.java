package io.cms.api.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.api.VehicleApi;
import io.cms.api.handler.GraphQlResolverHandler;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryRequest;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * API latency over a 10-million-record lake: 1,000 vehicles reporting every 10 s for about 28 hours,
 * written by the Connect & Store {@link LakeWriter} and cached under {@code target/api-bench-lake}
 * (reruns skip writing). Prints latest-state latency (resolver over DynamoDB Local; target ≤ 50 ms
 * p50), one-day history latency (resolver, DuckDB engine, first page of 1,000 rows), and the hour
 * partitions an Athena query of one hour and of one day touches. Run with {@code -Xmx4g}.
 */
public final class ApiBench {

    static final int VEHICLES = 1_000;
    static final int TICKS = 10_000; // x 1,000 vehicles = 10,000,000 records
    static final long TICK_MS = 10_000;
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final VssCatalog CATALOG = VssCatalog.load();

    private ApiBench() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(ApiBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        Path lake = target.resolve("api-bench-lake");
        TelemetryValidator validator = new TelemetryValidator(CATALOG);
        long records = (long) VEHICLES * TICKS;
        writeLakeOnce(lake, validator, records);

        AmazonDynamoDBLocal local = DynamoDBEmbedded.create();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
            LatestStateStore store = new LatestStateStore(local.dynamoDbClient(), "LatestState");
            LatestStateUpdater updater = new LatestStateUpdater(validator, store);
            long lastTick = TICKS - 1;
            for (int v = 0; v < VEHICLES; v++) {
                ObjectNode m = Telemetry.message(v, timestamp(lastTick, v), (int) lastTick);
                updater.apply(Telemetry.topic(Telemetry.vin(v)), Telemetry.bytes(m), timestamp(lastTick, v) + 100);
            }
            LakeSchema schema = new LakeSchema(CATALOG);
            byte[] key = "api-bench-token-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
            VehicleApi api = new VehicleApi(store, schema,
                    new HistoryQueryBuilder(schema, lake.resolve("parquet") + "/**/*.parquet", Dialect.DUCKDB),
                    new JdbcHistoryEngine(DuckConnections.of(duck)), new HistoryTokens(key), Duration.ofSeconds(20), Clock.systemUTC());
            GraphQlResolverHandler resolver = new GraphQlResolverHandler(api);
            Random random = new Random(1);

            for (int i = 0; i < 2_000; i++) {
                getVehicle(resolver, random);
            }
            long[] latest = new long[5_000];
            for (int i = 0; i < latest.length; i++) {
                long t = System.nanoTime();
                getVehicle(resolver, random);
                latest[i] = System.nanoTime() - t;
            }
            print("latest state (getVehicle, DynamoDB Local, " + VEHICLES + " vehicles)", latest, "target p50 <= 50 ms");

            Instant day = T0.plus(Duration.ofHours(2));
            for (int i = 0; i < 5; i++) {
                history(resolver, random, day);
            }
            long[] history = new long[60];
            int rows = 0;
            for (int i = 0; i < history.length; i++) {
                long t = System.nanoTime();
                rows = history(resolver, random, day);
                history[i] = System.nanoTime() - t;
            }
            print("one-day history (getVehicleHistory, DuckDB, 2 signals, first page of " + rows + " rows)", history, "");

            HistoryQueryBuilder athena = new HistoryQueryBuilder(schema, "\"cms\".\"telemetry\"", Dialect.ATHENA);
            String vin = Telemetry.vin(0);
            int hour = athena.build(new HistoryRequest(vin, day, day.plus(Duration.ofHours(1)), List.of("Vehicle.Speed"), 100), null).partitions();
            int dayParts = athena.build(new HistoryRequest(vin, day, day.plus(Duration.ofDays(1)), List.of("Vehicle.Speed"), 100), null).partitions();
            int unaligned = athena.build(new HistoryRequest(vin, day.plusSeconds(1800), day.plusSeconds(5400), List.of("Vehicle.Speed"), 100),
                    null).partitions();
            System.out.printf("Athena partitions touched: one hour (aligned) %d, one hour (unaligned) %d, one day %d%n", hour, unaligned, dayParts);
            System.out.printf("heap used at end: %,d MiB (max %,d MiB)%n",
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            local.shutdown();
        }
    }

    private static long timestamp(long tick, int vehicle) {
        return T0.toEpochMilli() + tick * TICK_MS + vehicle * 7L;
    }

    private static void getVehicle(GraphQlResolverHandler resolver, Random random) {
        JsonNode v = resolver.resolve(new AppSyncRequest("Query", "getVehicle",
                Json.object().put("vin", Telemetry.vin(random.nextInt(VEHICLES))), null));
        if (v.isNull()) {
            throw new IllegalStateException("vehicle missing from the latest state");
        }
    }

    private static int history(GraphQlResolverHandler resolver, Random random, Instant from) {
        ObjectNode args = Json.object().put("vin", Telemetry.vin(random.nextInt(VEHICLES))).put("from", from.toString())
                .put("to", from.plus(Duration.ofDays(1)).toString()).put("limit", 1000);
        args.putArray("signals").add("Vehicle.Speed").add("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current");
        JsonNode page = resolver.resolve(new AppSyncRequest("Query", "getVehicleHistory", args, null));
        if (page.get("nextToken").isNull()) {
            throw new IllegalStateException("a day has 8,640 records per vehicle: expected a next page");
        }
        return page.get("items").size();
    }

    private static void writeLakeOnce(Path lake, TelemetryValidator validator, long records) throws Exception {
        Path done = lake.resolve("complete-" + records);
        if (Files.exists(done)) {
            System.out.printf("lake: %,d records cached in %s%n", records, lake.getFileName());
            return;
        }
        if (Files.exists(lake)) {
            try (var paths = Files.walk(lake)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        long start = System.nanoTime();
        try (LakeWriter writer = new LakeWriter(LakeWriterConfig.builder(lake).validator(validator)
                .maxBatchRecords(500_000).maxBatchAge(Duration.ofHours(1)).build())) {
            for (long tick = 0; tick < TICKS; tick++) {
                for (int v = 0; v < VEHICLES; v++) {
                    long ts = timestamp(tick, v);
                    writer.accept(Telemetry.topic(Telemetry.vin(v)), Telemetry.bytes(Telemetry.message(v, ts, (int) tick)), ts + 100);
                }
            }
        }
        Files.createFile(done);
        System.out.printf("lake: wrote %,d records in %.0f s (cached for later runs)%n", records, (System.nanoTime() - start) / 1e9);
    }

    private static void print(String what, long[] nanos, String target) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: p50 %.2f ms, p99 %.2f ms (%d calls) %s%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted.length, target);
    }
}
