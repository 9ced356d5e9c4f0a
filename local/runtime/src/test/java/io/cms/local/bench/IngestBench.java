package io.cms.local.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.Principal;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.ingest.IngestJournal;
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
 * in-flight window allows, once into a broker whose rule does nothing and once into the durable
 * ingest path (journal with fsync group commit), in the same run. Prints messages per second and
 * the ratio. Run with {@code make bench}.
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
        byte[] payload = samplePayload();

        IngestJournal journal = IngestJournal.open(dir.resolve("journal"));
        Function<InboundMessage, CompletableFuture<Void>> none = m -> CompletableFuture.completedFuture(null);
        Function<InboundMessage, CompletableFuture<Void>> durableSink = m -> journal.append(m.payload()).thenApply(offset -> null);
        run("warm-up (not counted)", dir.resolve("b0"), ca, principals, certs, payload, seconds, window, none);
        // Alternate the two so JIT warm-up and disk cache favour neither.
        double noop = 0;
        double durable = 0;
        for (int round = 1; round <= 2; round++) {
            noop += run("broker only, round " + round, dir.resolve("n" + round), ca, principals, certs, payload, seconds, window, none);
            durable += run("durable ingest, round " + round, dir.resolve("d" + round), ca, principals, certs, payload, seconds, window,
                    durableSink);
            journal.checkpoint(journal.durableEnd());
            journal.compactIfDrained();
        }
        noop /= 2;
        durable /= 2;
        journal.close();
        System.out.printf("%nINGEST %d clients, payload %d bytes: broker-only %.0f msg/s, durable ingest %.0f msg/s, ratio %.2f%n",
                clients, payload.length, noop, durable, durable / noop);
        System.out.printf("peak heap used %.0f MiB%n", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
        System.exit(0);
    }

    private static double run(String label, Path dir, LocalCa ca, Map<String, Principal> principals, List<IssuedCertificate> certs,
                              byte[] payload, int seconds, int window,
                              Function<InboundMessage, CompletableFuture<Void>> sink) throws Exception {
        AtomicLong received = new AtomicLong();
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
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            long warmupEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            long[] ackedAtWarmup = {-1};
            List<Thread> senders = new ArrayList<>();
            for (Mqtt3AsyncClient client : connected) {
                String topic = "cms/data/" + client.getConfig().getClientIdentifier().get() + "/telemetry";
                Semaphore inFlight = new Semaphore(window);
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            inFlight.acquire();
                        } catch (InterruptedException e) {
                            return;
                        }
                        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                                .whenComplete((r, e) -> {
                                    inFlight.release();
                                    if (e == null) {
                                        acked.incrementAndGet();
                                    }
                                });
                    }
                }, "sender");
                t.start();
                senders.add(t);
            }
            while (System.nanoTime() < warmupEnd) {
                Thread.sleep(50);
            }
            ackedAtWarmup[0] = acked.get();
            long measuredStart = System.nanoTime();
            for (Thread t : senders) {
                t.join();
            }
            long measuredNanos = System.nanoTime() - measuredStart;
            double rate = (acked.get() - ackedAtWarmup[0]) / (measuredNanos / 1e9);
            System.out.printf("%-28s %8.0f msg/s acknowledged (%d acked, %d reached the rule)%n", label, rate, acked.get(), received.get());
            for (Mqtt3AsyncClient client : connected) {
                client.disconnect();
            }
            return rate;
        }
    }

    private static byte[] samplePayload() {
        return ("{\"vin\":\"BENCH000000000001\",\"timestamp\":1763800000000,\"Vehicle\":{\"Speed\":54.2,"
                + "\"CurrentLocation\":{\"Latitude\":52.520008,\"Longitude\":13.404954,\"Heading\":87.5,\"Altitude\":35.0},"
                + "\"TraveledDistance\":12345.678,\"Powertrain\":{\"TractionBattery\":{\"StateOfCharge\":{\"Current\":71.25,"
                + "\"Displayed\":71.0},\"StateOfHealth\":96.125,\"Temperature\":{\"Average\":24.5,\"Min\":23.0,\"Max\":26.1},"
                + "\"CurrentVoltage\":372.4,\"CurrentCurrent\":85.2,\"Range\":312000.0}},\"OBD\":{\"DTCList\":[]}}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
