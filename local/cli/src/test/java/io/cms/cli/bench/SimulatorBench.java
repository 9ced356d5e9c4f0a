package io.cms.cli.bench;

import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.Principal;
import io.cms.local.broker.PrincipalDirectory;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.mqtt.VehicleCredentials;
import io.cms.simulator.pki.Pem;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated vehicles sustained through the CMS Local broker: N vehicles, each its own MQTT
 * connection over TLS with its own certificate, publishing VSS telemetry at 1 Hz (QoS 1) for a
 * while, with the broker's ingest rule counting what arrives.
 *
 * <p>The broker runs in this JVM and the fleet in a second one ({@link FleetProcess}), as a fleet
 * and CMS Local would: each side then holds one socket per vehicle, so 10 000 vehicles fit in the
 * machine's 20 000 open files per process (in one JVM both ends of every connection count).
 *
 * <p>Usage: {@code SimulatorBench [vehicles=10000] [seconds=30] [intervalMs=1000]}. Prints the time
 * to issue the certificates, to connect everyone, the offered, acknowledged and received message
 * rates, the share of ticks that were skipped or failed, the stop time and both sides' peak heap.
 */
public final class SimulatorBench {

    private SimulatorBench() {
    }

    public static void main(String[] args) throws Exception {
        int vehicles = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int intervalMs = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        long maxFiles = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
        if (maxFiles < vehicles + 1_000L) {
            System.out.printf("SimulatorBench: %d vehicles need about %d open files per process, the limit here is %d;"
                    + " raise it (ulimit -n) or pass a smaller fleet size as the first argument%n", vehicles, vehicles + 1_000, maxFiles);
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("simulator-bench");
        LocalCa ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        Map<String, Principal> principals = new ConcurrentHashMap<>();
        long t = System.nanoTime();
        for (int i = 0; i < vehicles; i++) {
            String vin = VehicleIdentity.vin("BEN", i);
            IssuedCertificate cert = ca.issueClient(vin, Duration.ofDays(1));
            principals.put(cert.certificateId(), new Principal(cert.certificateId(), Principal.Kind.VEHICLE, vin));
            new VehicleCredentials(vin, cert.certificateId(), cert.certificatePem(), cert.privateKeyPem())
                    .save(dir.resolve("fleet").resolve(vin));
        }
        Path caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, Pem.certificate(ca.certificate()));
        System.out.printf("certificates: %d issued and stored in %d ms%n", vehicles, ms(t));
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
        long peakHeap = 0;
        try {
            Process fleet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + Math.max(1024, vehicles / 5) + "m", "-cp", System.getProperty("java.class.path"),
                    FleetProcess.class.getName(), dir.resolve("fleet").toString(), caPem.toString(), String.valueOf(port),
                    String.valueOf(seconds), String.valueOf(intervalMs))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long steadyReceived = 0;
            long steadyStart = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(fleet.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals(FleetProcess.STEADY_BEGIN)) {
                        steadyReceived = received.get();
                        steadyStart = System.nanoTime();
                    } else if (line.equals(FleetProcess.STEADY_END)) {
                        double elapsed = (System.nanoTime() - steadyStart) / 1e9;
                        System.out.printf("broker: received by the ingest rule %.0f msg/s over %.1f s%n",
                                (received.get() - steadyReceived) / elapsed, elapsed);
                    } else {
                        System.out.println(line);
                    }
                    Runtime rt = Runtime.getRuntime();
                    peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
                }
            }
            int exit = fleet.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the fleet process failed with exit code " + exit);
            }
        } finally {
            broker.close();
        }
        System.out.printf("memory (broker JVM): peak heap used %d MiB, heap committed %d MiB, threads %d%n", peakHeap >> 20,
                Runtime.getRuntime().totalMemory() >> 20, ManagementFactory.getThreadMXBean().getThreadCount());
        deleteTree(dir.toFile());
        System.exit(0);
    }

    static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }
}
