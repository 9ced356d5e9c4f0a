package io.cms.local.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.Principal;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.api.LatestStateStore;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.local.dynamo.LocalDynamo;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.ingest.IngestJournal;
import io.cms.local.ingest.IngestPipeline;
import io.cms.local.ingest.LatestStateProjection;
import io.cms.vss.VssCatalog;
import java.util.concurrent.CompletionStage;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.pki.Pem;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Ingest throughput: many vehicle connections publishing QoS 1 telemetry as fast as their
 * in-flight window allows, once into a broker whose rule does nothing and once into CMS Local's
 * ingest pipeline (journal with fsync group commit → Connect &amp; Store lake writer → latest state
 * on DynamoDB Local), in the same run. Prints acknowledged messages per second, the rate at which
 * they reached the lake (until the last one is committed), the ratio to broker-only and peak heap.
 * Run with {@code make bench}.
 */
public final class IngestBench {

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("bench.clients", 200);
        int seconds = Integer.getInteger("bench.seconds", 10);
        int window = Integer.getInteger("bench.window", 20);
        Path dir = Files.createTempDirectory("ingest-bench");
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        Map<String, Principal> principals = new ConcurrentHashMap<>();
        List<IssuedCertificate> certs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String vin = String.format("BENCH%012d", i);
            IssuedCertificate c = ca.issueClient(vin, Duration.ofDays(1));
            certs.add(c);
            principals.put(c.certificateId(), new Principal(c.certificateId(), Principal.Kind.VEHICLE, vin));
        }

        LocalDynamo dynamo = LocalDynamo.start(dir.resolve("dynamodb"), io.cms.local.Ports.free());
        LocalTables tables = LocalTables.named("bench");
        tables.ensure(dynamo);
        TelemetryValidator validator = new TelemetryValidator(VssCatalog.load());
        IngestJournal.SyncPolicy sync = IngestJournal.SyncPolicy.valueOf(System.getProperty("bench.sync", "WRITE"));
        IngestJournal journal = IngestJournal.open(dir.resolve("journal"), sync);
        // -Dbench.latestState=false leaves the latest-state table out, to see what it costs.
        boolean latestStateOn = Boolean.parseBoolean(System.getProperty("bench.latestState", "true"));
        LatestStateProjection projection = new LatestStateProjection(validator,
                new LatestStateStore(dynamo.client(), tables.vehicleState()));
        IngestPipeline pipeline = new IngestPipeline(journal, new LakeWriter(LakeWriterConfig.builder(dir.resolve("lake"))
                .validator(validator).build()), latestStateOn ? projection : (offset, nextOffset, telemetry) -> { },
                Duration.ofSeconds(5));
        Function<InboundMessage, CompletionStage<Void>> none = m -> CompletableFuture.completedFuture(null);
        Function<InboundMessage, CompletionStage<Void>> ingest = m -> pipeline.rule().handler().handle(m);
        // Both paths warmed up (JIT), so neither measured round pays for compiling the other's code.
        run("warm-up broker only (not counted)", dir.resolve("b0"), ca, principals, certs, seconds, window, none, null);
        run("warm-up ingest (not counted)", dir.resolve("d0"), ca, principals, certs, seconds, window, ingest, pipeline);
        // Alternate the two so JIT warm-up and disk cache favour neither.
        double noop = 0;
        double durable = 0;
        double lake = 0;
        for (int round = 1; round <= 2; round++) {
            noop += run("broker only, round " + round, dir.resolve("n" + round), ca, principals, certs, seconds, window, none, null)[0];
            double[] r = run("ingest pipeline, round " + round, dir.resolve("d" + round), ca, principals, certs, seconds, window,
                    ingest, pipeline);
            durable += r[0];
            lake += r[1];
        }
        noop /= 2;
        durable /= 2;
        lake /= 2;
        IngestPipeline.Stats stats = pipeline.stats();
        pipeline.close();
        projection.close();
        LatestStateProjection.Stats latest = projection.stats();
        journal.close();
        dynamo.close();
        System.out.printf("%nINGEST %d clients, journal sync %s: broker-only %.0f msg/s; ingest pipeline %.0f msg/s acknowledged (ratio %.2f),"
                + " %.0f msg/s into the lake writer; %d lake rows, %d quarantined; latest state: %d writes, %d messages coalesced, %d failures%n",
                clients, sync, noop, durable, durable / noop, lake, stats.lakeRows(), stats.quarantined(), latest.written(),
                latest.coalesced(), latest.failures());
        System.out.printf("peak heap used %.0f MiB%n", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
        System.exit(0);
    }

    private static double[] run(String label, Path dir, LocalCa ca, Map<String, Principal> principals, List<IssuedCertificate> certs,
                                int seconds, int window, Function<InboundMessage, CompletionStage<Void>> sink,
                                IngestPipeline pipeline) throws Exception {
        AtomicLong received = new AtomicLong();
        long consumedBefore = pipeline == null ? 0 : pipeline.stats().consumed();
        TopicRule rule = new TopicRule("bench", "cms/data/#", m -> sink.apply(m).thenRun(received::incrementAndGet), true);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (LocalBroker broker = LocalBroker.start(dir, port, ca, id -> Optional.ofNullable(principals.get(id)),
                new TopicPolicy("bench"), List.of(rule))) {
            String caPem = Pem.certificate(ca.certificate());
            List<Mqtt3AsyncClient> connected = new ArrayList<>();
            for (IssuedCertificate c : certs) {
                String vin = principals.get(c.certificateId()).thingName();
                Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(vin)
                        .serverHost("127.0.0.1").serverPort(port)
                        .sslConfig(ClientTls.sslConfig(caPem, c.certificatePem(), c.privateKeyPem()))
                        .buildAsync();
                client.connectWith().cleanSession(true).send().join();
                connected.add(client);
            }
            AtomicLong acked = new AtomicLong();
            AtomicLong senderCpu = new AtomicLong();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            long warmupEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            long[] ackedAtWarmup = {-1};
            List<Thread> senders = new ArrayList<>();
            for (Mqtt3AsyncClient client : connected) {
                String vin = client.getConfig().getClientIdentifier().get().toString();
                String topic = "cms/data/" + vin + "/telemetry";
                Semaphore inFlight = new Semaphore(window);
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            inFlight.acquire();
                        } catch (InterruptedException e) {
                            return;
                        }
                        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                                .payload(payload(vin, System.currentTimeMillis())).send()
                                .whenComplete((r, e) -> {
                                    inFlight.release();
                                    if (e == null) {
                                        acked.incrementAndGet();
                                    }
                                });
                    }
                    senderCpu.addAndGet(ThreadCpu.currentThread());
                }, "sender");
                t.start();
                senders.add(t);
            }
            while (System.nanoTime() < warmupEnd) {
                Thread.sleep(50);
            }
            ackedAtWarmup[0] = acked.get();
            Map<String, Long> cpuBefore = ThreadCpu.snapshot();
            long sendersBefore = cpuBefore.getOrDefault("sender", 0L);
            long measuredStart = System.nanoTime();
            for (Thread t : senders) {
                t.join();
            }
            long measuredNanos = System.nanoTime() - measuredStart;
            double rate = (acked.get() - ackedAtWarmup[0]) / (measuredNanos / 1e9);
            double lakeRate = 0;
            if (pipeline != null) {
                // Until the lake writer holds every message that reached the rule (its commit follows
                // within the commit interval; the journal keeps them durable until then).
                long lastReport = System.nanoTime();
                while (pipeline.stats().consumed() - consumedBefore < received.get()) {
                    Thread.sleep(5);
                    if (System.nanoTime() - lastReport > 5_000_000_000L) {
                        lastReport = System.nanoTime();
                        System.out.printf("  ... draining: %d of %d consumed%n", pipeline.stats().consumed() - consumedBefore,
                                received.get());
                    }
                }
                long lakeNanos = System.nanoTime() - measuredStart;
                lakeRate = (acked.get() - ackedAtWarmup[0]) / (lakeNanos / 1e9);
            }
            System.out.printf("%-28s %8.0f msg/s acknowledged (%d acked, %d reached the rule)%s%n", label, rate, acked.get(),
                    received.get(), pipeline == null ? "" : String.format(", %.0f msg/s into the lake", lakeRate));
            // The sender threads have ended: their CPU in the window is what they added up at their end.
            System.out.println(ThreadCpu.report(cpuBefore, ThreadCpu.snapshot(), Map.of("sender", senderCpu.get() - sendersBefore),
                    acked.get() - ackedAtWarmup[0]));
            for (Mqtt3AsyncClient client : connected) {
                client.disconnect();
            }
            return new double[] {rate, lakeRate};
        }
    }

    private static byte[] payload(String vin, long timestamp) {
        return ("{\"vin\":\"" + vin + "\",\"timestamp\":" + timestamp + ",\"Vehicle\":{\"Speed\":54.2,"
                + "\"CurrentLocation\":{\"Latitude\":52.520008,\"Longitude\":13.404954,\"Heading\":87.5,\"Altitude\":35.0},"
                + "\"TraveledDistance\":12345.678,\"Powertrain\":{\"TractionBattery\":{\"StateOfCharge\":{\"Current\":71.25,"
                + "\"Displayed\":71.0},\"StateOfHealth\":96.125,\"Temperature\":{\"Average\":24.5,\"Min\":23.0,\"Max\":26.1},"
                + "\"CurrentVoltage\":372.4,\"CurrentCurrent\":85.2,\"Range\":312000.0}},\"OBD\":{\"DTCList\":[]}}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
