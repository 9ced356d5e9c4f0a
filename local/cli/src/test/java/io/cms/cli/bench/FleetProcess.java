package io.cms.cli.bench;

import io.cms.simulator.FleetSimulator;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fleet side of {@link SimulatorBench}, in its own JVM: loads the stored credentials, connects
 * every vehicle to the broker, keeps them publishing, stops them, and prints what it saw. Lines
 * {@link #STEADY_BEGIN} and {@link #STEADY_END} mark the measured window for the broker side.
 *
 * <p>Arguments: credentials directory (one sub-directory per vehicle), CA certificate PEM file,
 * broker port, seconds, interval in ms.
 */
public final class FleetProcess {

    static final String STEADY_BEGIN = "#steady-begin";
    static final String STEADY_END = "#steady-end";

    private FleetProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path fleetDir = Path.of(args[0]);
        String caPem = Files.readString(Path.of(args[1]));
        int port = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int intervalMs = Integer.parseInt(args[4]);
        List<Path> dirs;
        try (Stream<Path> s = Files.list(fleetDir)) {
            dirs = s.sorted().toList();
        }
        int vehicles = dirs.size();
        try (FleetSimulator sim = new FleetSimulator(new MqttEndpoint("127.0.0.1", port, caPem), Duration.ofMillis(intervalMs),
                Clock.systemUTC(), 47.62, -122.35)) {
            long t = System.nanoTime();
            for (Path d : dirs) {
                sim.add(VehicleCredentials.load(d));
            }
            System.out.printf("clients: %d built (TLS key material) in %d ms%n", vehicles, SimulatorBench.ms(t));
            t = System.nanoTime();
            CompletableFuture<Void> connected = sim.start();
            System.out.printf("start(): returned in %d ms (vehicles publish as soon as each is connected)%n", SimulatorBench.ms(t));
            connected.get(10, TimeUnit.MINUTES);
            System.out.printf("connect: %d vehicles connected in %d ms (%.0f TLS connections/s)%n", vehicles, SimulatorBench.ms(t),
                    vehicles * 1000.0 / Math.max(1, SimulatorBench.ms(t)));
            FleetSimulator.Stats before = sim.stats();
            long peakHeap = 0;
            System.out.println(STEADY_BEGIN);
            long w = System.nanoTime();
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                Runtime rt = Runtime.getRuntime();
                peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
            }
            double elapsed = (System.nanoTime() - w) / 1e9;
            FleetSimulator.Stats after = sim.stats();
            System.out.println(STEADY_END);
            long sent = after.published() - before.published();
            long acked = after.acknowledged() - before.acknowledged();
            long failed = after.failed() - before.failed();
            double offered = vehicles * 1000.0 / intervalMs;
            System.out.printf("steady: %.1f s, offered %.0f msg/s, sent %.0f msg/s, acknowledged %.0f msg/s,"
                            + " failed or skipped %d (%.2f %% of ticks), %d of %d still connected%n",
                    elapsed, offered, sent / elapsed, acked / elapsed, failed, 100.0 * failed / Math.max(1, sent + failed),
                    after.connected(), vehicles);
            t = System.nanoTime();
            sim.stop(Duration.ofSeconds(2));
            System.out.printf("stop: %d ms; %d still connected%n", SimulatorBench.ms(t), sim.stats().connected());
            System.out.printf("memory (fleet JVM): peak heap used %d MiB, heap committed %d MiB, threads %d%n", peakHeap >> 20,
                    Runtime.getRuntime().totalMemory() >> 20, ManagementFactory.getThreadMXBean().getThreadCount());
        }
        System.out.flush();
        System.exit(0);
    }
}
