package io.cms.provisioning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.handler.PostProvisioningHandler;
import io.cms.provisioning.handler.PreProvisioningHandler;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.testutils.LocalTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Provisions per second through the pre- and post-provisioning handlers (JSON in, JSON out) against
 * DynamoDB Local in-process, with the in-memory IoT registry standing in for RegisterThing:
 * distinct VINs (the fleet roll-out case) and one VIN provisioned concurrently (the contention case).
 * An activation consumes the VIN's authorization, so in the contention case every attempt is
 * preceded by an operator re-authorization (otherwise all but the first would just be refused).
 * Run with {@code make bench}; prints figures, asserts nothing.
 */
public final class ProvisioningBench {

    private static final String TEMPLATE = "cms--provisioning-template";

    private ProvisioningBench() {
    }

    public static void main(String[] args) throws Exception {
        int vehicles = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (LocalTables tables = new LocalTables()) {
            // Warm-up: JIT and DynamoDB Local's SQLite caches.
            run(tables, 300, threads, false);
            Result distinct = run(tables, vehicles, threads, false);
            Result sameVin = run(tables, 200, threads, true);
            System.out.printf("provisioning: %d distinct VINs, %d threads: %.0f provisions/s (%.2f ms each, %d activated)%n",
                    distinct.count, threads, distinct.perSecond(), distinct.millisEach(), distinct.activated);
            System.out.printf("provisioning: %d concurrent provisions of one VIN, each re-authorized first, %d threads: "
                    + "%.0f provisions/s (%.2f ms each, %d active at the end)%n",
                    sameVin.count, threads, sameVin.perSecond(), sameVin.millisEach(), sameVin.activeAtEnd);
        }
        // DynamoDB Local leaves non-daemon threads behind after shutdown.
        System.exit(0);
    }

    private record Result(int count, long nanos, int activated, long activeAtEnd) {
        double perSecond() {
            return count / (nanos / 1e9);
        }

        double millisEach() {
            return nanos / 1e6 / count;
        }
    }

    private static Result run(LocalTables tables, int count, int threads, boolean sameVin) throws Exception {
        ProvisioningStore store = tables.newStore();
        InMemoryIotRegistry iot = new InMemoryIotRegistry();
        Provisioning provisioning = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        PreProvisioningHandler pre = new PreProvisioningHandler(provisioning);
        PostProvisioningHandler post = new PostProvisioningHandler(provisioning);
        List<String> vins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String vin = sameVin ? "WVWZZZ1JZXW000001" : String.format("WVWZZZ1JZXW%06d", i);
            if (!sameVin) {
                store.authorize(vin, "Volkswagen", "Golf", "1999");
            }
            vins.add(vin);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<Boolean>> futures = new ArrayList<>();
        for (String vin : vins) {
            futures.add(pool.submit(() -> {
                if (sameVin) {
                    store.authorize(vin, "Volkswagen", "Golf", "1999");
                }
                return provision(pre, post, iot, vin);
            }));
        }
        int activated = 0;
        for (Future<Boolean> f : futures) {
            if (f.get()) {
                activated++;
            }
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        long active = iot.certificates().stream()
                .filter(c -> c.status() == io.cms.provisioning.iot.IotCertificateStatus.ACTIVE).count();
        return new Result(count, nanos, activated, active);
    }

    private static boolean provision(PreProvisioningHandler pre, PostProvisioningHandler post, InMemoryIotRegistry iot,
                                     String vin) {
        String cert = iot.createCertificate();
        ObjectNode event = Json.object();
        event.put("claimCertificateId", "c".repeat(64));
        event.put("certificateId", cert);
        event.put("templateArn", "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/" + TEMPLATE);
        event.put("clientId", "device");
        event.putObject("parameters").put("vin", vin);
        JsonNode decision = call(pre::handleRequest, Json.write(event));
        if (!decision.get("allowProvisioning").asBoolean()) {
            return false;
        }
        InMemoryIotRegistry.ThingEventSnapshot thing;
        try {
            thing = iot.registerThing(vin, Map.of("vin", vin, "certificate_id", cert, "provisioned_by_template", TEMPLATE),
                    cert, "cms-vehicle-policy");
        } catch (io.cms.provisioning.iot.IotNotFoundException e) {
            return false;
        }
        ObjectNode thingEvent = Json.object();
        thingEvent.put("eventType", "THING_EVENT");
        thingEvent.put("operation", thing.operation());
        thingEvent.put("thingName", thing.thingName());
        thingEvent.set("attributes", Json.object(thing.attributes()));
        return "ACTIVATED".equals(call(post::handleRequest, Json.write(thingEvent)).get("outcome").asText());
    }

    @FunctionalInterface
    private interface Handler {
        void handle(java.io.InputStream in, java.io.OutputStream out, com.amazonaws.services.lambda.runtime.Context ctx)
                throws IOException;
    }

    private static JsonNode call(Handler handler, String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handle(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }
}
