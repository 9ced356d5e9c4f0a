package io.cms.simulator;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.cms.lambda.common.Json;
import io.cms.simulator.model.Route;
import io.cms.simulator.model.TelemetryMessage;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.model.VehicleModel;
import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a fleet of simulated vehicles. Each vehicle is a real MQTT client with its own
 * certificate, connected as its thing name; every {@code interval} it advances its physical model
 * and publishes its telemetry (QoS 1) on {@code cms/data/{vin}/telemetry}. On its first connection
 * it announces itself on {@code vehicleactive/{vin}}. Start and stop take well under two seconds
 * for thousands of vehicles because connections are asynchronous and share one event loop.
 */
public final class FleetSimulator implements AutoCloseable {

    /**
     * Counters of a run.
     *
     * @param vehicles vehicles in the fleet
     * @param connected vehicles connected now
     * @param published messages sent
     * @param acknowledged messages the broker acknowledged
     * @param failed messages that failed or were skipped because the broker fell behind, plus one per vehicle
     *        that was not connected when the run was stopped
     */
    public record Stats(int vehicles, int connected, long published, long acknowledged, long failed) {
    }

    /**
     * Counters of one vehicle.
     *
     * @param vin the vehicle
     * @param connected whether it is connected now
     * @param published messages sent
     * @param acknowledged messages the broker acknowledged (QoS 1 PUBACK)
     * @param failed messages that failed, or ticks skipped while disconnected or with too many unacknowledged
     *        messages, plus one if the vehicle was not connected when the run was stopped
     * @param problem why the vehicle was not connected when the run was stopped (never connected, or lost its
     *        connection), with the broker's or the network's reason when known; null if it was connected
     */
    public record VehicleStats(String vin, boolean connected, long published, long acknowledged, long failed, String problem) {
    }

    /** Unacknowledged QoS 1 messages a vehicle may have; beyond that a tick is skipped (and counted) instead of queueing. */
    public static final int MAX_IN_FLIGHT = 20;

    /** Connection attempts under way at the same time while a fleet starts. */
    public static final int MAX_CONNECTING = 64;

    private final MqttEndpoint endpoint;
    private final Duration interval;
    private final Clock clock;
    private final double centreLat;
    private final double centreLon;
    private final List<Vehicle> vehicles = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "fleet-simulator");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running;
    private final java.util.Queue<PendingConnect> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public FleetSimulator(MqttEndpoint endpoint, Duration interval, Clock clock, double centreLat, double centreLon) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.endpoint = endpoint;
        this.interval = interval;
        this.clock = clock;
        this.centreLat = centreLat;
        this.centreLon = centreLon;
    }

    /** Adds a provisioned vehicle; it connects when {@link #start} is called. */
    public synchronized void add(VehicleCredentials credentials) {
        add(credentials, null);
    }

    /**
     * Adds a provisioned vehicle that carries on from {@code resumed} (its state at the end of an
     * earlier run, see {@link #vehicleStates}), or starts fresh if that is null.
     */
    public synchronized void add(VehicleCredentials credentials, VehicleState resumed) {
        VehicleIdentity identity = VehicleIdentity.forVin(credentials.thingName());
        long seed = credentials.thingName().hashCode();
        Route route = Route.loop(centreLat, centreLon, 3_000 + Math.abs(seed % 4_000), 12, seed);
        Instant now = clock.instant();
        VehicleModel model = resumed == null ? new VehicleModel(seed, route, now) : new VehicleModel(seed, route, now, resumed);
        vehicles.add(new Vehicle(credentials, identity, model));
    }

    /** The state of every vehicle's model now, by VIN in the order they were added: what a later run resumes from. */
    public synchronized Map<String, VehicleState> vehicleStates() {
        Map<String, VehicleState> out = new LinkedHashMap<>();
        for (Vehicle v : vehicles) {
            synchronized (v) {
                out.put(v.credentials.thingName(), v.model.state());
            }
        }
        return out;
    }

    /**
     * Connects every vehicle and starts publishing, each on its own phase within the interval.
     * At most {@link #MAX_CONNECTING} TLS handshakes are under way at a time, so a large fleet
     * ramps up instead of timing its own connections out. Returns at once; the future completes
     * when every vehicle's first connection attempt has finished (exceptionally if one failed; the
     * vehicle then keeps retrying in the background and starts publishing once connected).
     */
    public synchronized CompletableFuture<Void> start() {
        long periodMicros = Math.max(1, interval.toNanos() / 1000);
        running = true;
        List<CompletableFuture<?>> connecting = new ArrayList<>();
        pending.clear();
        for (int i = 0; i < vehicles.size(); i++) {
            Vehicle v = vehicles.get(i);
            v.phaseMicros = periodMicros * i / vehicles.size();
            v.periodMicros = periodMicros;
            CompletableFuture<Void> done = new CompletableFuture<>();
            connecting.add(done);
            pending.add(new PendingConnect(v, done));
        }
        for (int i = 0; i < MAX_CONNECTING; i++) {
            connectNext();
        }
        return CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new));
    }

    private record PendingConnect(Vehicle vehicle, CompletableFuture<Void> done) {
    }

    private void connectNext() {
        PendingConnect next = pending.poll();
        if (next == null) {
            return;
        }
        if (!running) {
            next.done().cancel(false);
            return;
        }
        CompletableFuture<?> attempt;
        try {
            attempt = next.vehicle().connect();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenComplete((ack, e) -> {
            // Whatever happened to this attempt, the next vehicle gets its turn.
            connectNext();
            if (e == null) {
                next.done().complete(null);
            } else {
                next.done().completeExceptionally(e);
            }
        });
    }

    /**
     * Stops publishing, waits for the broker to acknowledge the messages in flight and disconnects
     * every vehicle, all within {@code timeout}.
     */
    public synchronized void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (running) {
            // A vehicle that is not connected at the end of the run did not do its job: it counts as failed.
            vehicles.forEach(Vehicle::checkConnectedAtEnd);
        }
        running = false;
        PendingConnect never;
        while ((never = pending.poll()) != null) {
            never.done().cancel(false);
        }
        for (Vehicle v : vehicles) {
            v.cancel();
        }
        // No tick publishes any more; let the last acknowledgements arrive (at most half the time).
        long drainUntil = System.nanoTime() + timeout.toNanos() / 2;
        while (System.nanoTime() < drainUntil && vehicles.stream().anyMatch(v -> v.inFlight.get() > 0)) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (Vehicle v : vehicles) {
            closing.add(v.disconnect());
        }
        try {
            long left = Math.max(1, deadline - System.nanoTime());
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            // Whatever has not disconnected by now is dropped with the process.
        }
    }

    public synchronized Stats stats() {
        int connected = (int) vehicles.stream().filter(v -> v.up.get()).count();
        return new Stats(vehicles.size(), connected, published.get(), acknowledged.get(), failed.get());
    }

    /** The counters of every vehicle, in the order they were added. */
    public synchronized List<VehicleStats> vehicleStats() {
        List<VehicleStats> out = new ArrayList<>(vehicles.size());
        for (Vehicle v : vehicles) {
            out.add(new VehicleStats(v.credentials.thingName(), v.up.get(), v.published.get(),
                    v.acknowledged.get(), v.failed.get(), v.problem));
        }
        return out;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
        scheduler.shutdownNow();
    }

    private final class Vehicle {
        final VehicleCredentials credentials;
        final VehicleIdentity identity;
        final VehicleModel model;
        final Mqtt3AsyncClient client;
        final String topic;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong published = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile boolean announced;
        /** Connected as far as the counters know (the fleet's connected count is the number of these that are set). */
        final AtomicBoolean up = new AtomicBoolean();
        volatile boolean everConnected;
        /** Why the last connection or connection attempt ended, if known. */
        volatile String lastError;
        volatile String problem;
        volatile Instant last;
        ScheduledFuture<?> task;
        boolean stopped;
        volatile long phaseMicros;
        volatile long periodMicros;

        Vehicle(VehicleCredentials credentials, VehicleIdentity identity, VehicleModel model) {
            this.credentials = credentials;
            this.identity = identity;
            this.model = model;
            this.topic = "cms/data/" + credentials.thingName() + "/telemetry";
            this.client = MqttClient.builder()
                    .useMqttVersion3()
                    .identifier(credentials.thingName())
                    .serverHost(endpoint.host())
                    .serverPort(endpoint.port())
                    .sslConfig(ClientTls.sslConfig(endpoint.caPem(), credentials.certificatePem(), credentials.privateKeyPem()))
                    .automaticReconnect().initialDelay(1, TimeUnit.SECONDS).maxDelay(10, TimeUnit.SECONDS).applyAutomaticReconnect()
                    .addConnectedListener(c -> {
                        everConnected = true;
                        up.set(true);
                        onConnected();
                    })
                    // Also called for every failed connection attempt (while never connected or reconnecting).
                    .addDisconnectedListener(c -> {
                        lastError = describe(c.getCause());
                        up.set(false);
                    })
                    .buildAsync();
        }

        /** Counts the vehicle as failed if it is not connected now, noting why. */
        void checkConnectedAtEnd() {
            if (up.get()) {
                return;
            }
            String why = lastError;
            problem = (everConnected ? "not connected when the run ended" : "never connected")
                    + (why != null ? ": " + why : everConnected ? "" : " (still connecting when the run ended)");
            fail();
        }

        /** On every (re)connection: tick from now on (a vehicle ticks only while it can publish) and announce once. */
        void onConnected() {
            schedule();
            announce();
        }

        synchronized void schedule() {
            if (running && task == null && periodMicros > 0) {
                stopped = false;
                task = scheduler.scheduleAtFixedRate(this::tick, phaseMicros, periodMicros, TimeUnit.MICROSECONDS);
            }
        }

        /** After this returns no tick of this vehicle publishes again. */
        synchronized void cancel() {
            stopped = true;
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        }

        CompletableFuture<?> connect() {
            return client.connectWith().cleanSession(true).keepAlive(60).send();
        }

        CompletableFuture<?> announce() {
            if (announced) {
                return CompletableFuture.completedFuture(null);
            }
            announced = true;
            var body = Json.object().put("vin", credentials.thingName()).put("timestamp", clock.millis());
            return client.publishWith().topic("vehicleactive/" + credentials.thingName()).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Json.write(body).getBytes(StandardCharsets.UTF_8)).send();
        }

        CompletableFuture<?> disconnect() {
            if (!client.getState().isConnectedOrReconnect()) {
                return CompletableFuture.completedFuture(null);
            }
            return client.disconnect().exceptionally(e -> null);
        }

        synchronized void tick() {
            if (stopped) {
                return;
            }
            try {
                Instant now = clock.instant();
                double dt = last == null ? interval.toMillis() / 1000.0 : (now.toEpochMilli() - last.toEpochMilli()) / 1000.0;
                last = now;
                model.step(dt, now);
                if (!client.getState().isConnected() || inFlight.get() >= MAX_IN_FLIGHT) {
                    fail();
                    return;
                }
                byte[] payload = Json.write(TelemetryMessage.build(identity, model, now)).getBytes(StandardCharsets.UTF_8);
                inFlight.incrementAndGet();
                published.incrementAndGet();
                FleetSimulator.this.published.incrementAndGet();
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                        .whenComplete((r, e) -> {
                            inFlight.decrementAndGet();
                            if (e == null) {
                                acknowledged.incrementAndGet();
                                FleetSimulator.this.acknowledged.incrementAndGet();
                            } else {
                                fail();
                            }
                        });
            } catch (RuntimeException e) {
                fail();
            }
        }

        private static String describe(Throwable cause) {
            if (cause == null) {
                return null;
            }
            String message = cause.getMessage();
            return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        }

        void fail() {
            failed.incrementAndGet();
            FleetSimulator.this.failed.incrementAndGet();
        }
    }
}
