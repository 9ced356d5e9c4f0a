package io.cms.cli.bench;

import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.Principal;
import io.cms.local.broker.PrincipalDirectory;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.FleetSimulator;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import io.cms.simulator.pki.Pem;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated vehicles sustained through the CMS Local broker: N vehicles, each its own MQTT
 * connection over TLS with its own certificate, publishing VSS telemetry at 1 Hz (QoS 1) for a
 * while, with the broker's ingest rule counting what arrives.
 *
 * <p>Usage: {@code SimulatorBench [vehicles=1000] [seconds=30] [intervalMs=1000]}. Prints the time
 * to issue the certificates, to connect everyone, the offered and acknowledged message rates,
 * the share of ticks that were skipped or failed, the stop time and peak heap.
 */
public final class SimulatorBench {

    private SimulatorBench() {
    }

    public static void main(String[] args) throws Exception {
        int vehicles = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int intervalMs = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Path dir = Files.createTempDirectory("simulator-bench");
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        Map<String, Principal> principals = new ConcurrentHashMap<>();
        List<VehicleCredentials> fleet = new ArrayList<>();
        long t = System.nanoTime();
        for (int i = 0; i < vehicles; i++) {
            String vin = VehicleIdentity.vin("BEN", i);
            IssuedCertificate cert = ca.issueClient(vin, Duration.ofDays(1));
            principals.put(cert.certificateId(), new Principal(cert.certificateId(), Principal.Kind.VEHICLE, vin));
            fleet.add(new VehicleCredentials(vin, cert.certificateId(), cert.certificatePem(), cert.privateKeyPem()));
        }
        System.out.printf("certificates: %d issued in %d ms%n", vehicles, ms(t));
        AtomicLong received = new AtomicLong();
        PrincipalDirectory directory = id -> Optional.ofNullable(principals.get(id));
        TopicRule ingest = new TopicRule("count", "cms/data/#", (InboundMessage m) -> {
            received.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }, false);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalBroker broker = LocalBroker.start(dir.resolve("broker"), port, ca, directory, new TopicPolicy("cms--provisioning-template"),
                List.of(ingest));
        try (FleetSimulator sim = new FleetSimulator(new MqttEndpoint("127.0.0.1", port, Pem.certificate(ca.certificate())),
                Duration.ofMillis(intervalMs), Clock.systemUTC(), 47.62, -122.35)) {
            t = System.nanoTime();
            fleet.forEach(sim::add);
            System.out.printf("clients: %d built (TLS key material) in %d ms%n", vehicles, ms(t));
            t = System.nanoTime();
            CompletableFuture<Void> connected = sim.start();
            System.out.printf("start(): returned in %d ms%n", ms(t));
            connected.get(10, TimeUnit.MINUTES);
            System.out.printf("connect: %d vehicles connected in %d ms%n", vehicles, ms(t));
            FleetSimulator.Stats before = sim.stats();
            long receivedBefore = received.get();
            long peakHeap = 0;
            long w = System.nanoTime();
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                Runtime rt = Runtime.getRuntime();
                peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
            }
            double elapsed = (System.nanoTime() - w) / 1e9;
            FleetSimulator.Stats after = sim.stats();
            long sent = after.published() - before.published();
            long acked = after.acknowledged() - before.acknowledged();
            long failed = after.failed() - before.failed();
            double offered = vehicles * 1000.0 / intervalMs;
            System.out.printf("steady: %.1f s, offered %.0f msg/s, sent %.0f msg/s, acknowledged %.0f msg/s, received by the rule %.0f msg/s,"
                            + " failed or skipped %d (%.2f %% of ticks)%n",
                    elapsed, offered, sent / elapsed, acked / elapsed, (received.get() - receivedBefore) / elapsed, failed,
                    100.0 * failed / Math.max(1, sent + failed));
            t = System.nanoTime();
            sim.stop(Duration.ofSeconds(2));
            System.out.printf("stop: %d ms; %d still connected%n", ms(t), sim.stats().connected());
            System.out.printf("memory: peak heap used %d MiB, heap committed %d MiB, threads %d%n", peakHeap >> 20,
                    Runtime.getRuntime().totalMemory() >> 20, ManagementFactory.getThreadMXBean().getThreadCount());
        } finally {
            broker.close();
        }
        System.exit(0);
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
