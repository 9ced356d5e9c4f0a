package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.cli.local.LocalConnection;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.Principal;
import io.cms.local.broker.PrincipalDirectory;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.FleetSimulator;
import io.cms.simulator.model.TelemetryMessage;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import io.cms.simulator.pki.Pem;
import io.cms.lambda.common.Json;
import io.cms.simulator.model.VehicleState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator engine against the CMS Local broker over TLS: every vehicle a real MQTT client
 * with its own certificate, every message checked by the ingest validator as it arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetSimulatorTest {

    private static final int VEHICLES = 200;

    @TempDir
    static Path dir;

    private LocalBroker broker;
    private LocalCa ca;
    private final List<VehicleCredentials> fleet = new ArrayList<>();
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> receivedPerVin = new ConcurrentHashMap<>();
    private final List<String> rejected = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Void>> stalled = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stall;
    private final Map<String, List<JsonNode>> telemetry = new ConcurrentHashMap<>();
    private final TelemetryValidator validator = new TelemetryValidator(TelemetryMessage.catalog());

    @BeforeAll
    void start() throws Exception {
        ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        for (int i = 0; i < VEHICLES; i++) {
            String vin = VehicleIdentity.vin("FLT", i);
            IssuedCertificate cert = ca.issueClient(vin, Duration.ofDays(1));
            principals.put(cert.certificateId(), new Principal(cert.certificateId(), Principal.Kind.VEHICLE, vin));
            fleet.add(new VehicleCredentials(vin, cert.certificateId(), cert.certificatePem(), cert.privateKeyPem()));
        }
        PrincipalDirectory directory = id -> Optional.ofNullable(principals.get(id));
        TopicRule ingest = new TopicRule("ingest", "cms/data/#", this::receive, false);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = LocalBroker.start(dir.resolve("broker"), port, ca, directory, new TopicPolicy("cms--provisioning-template"), List.of(ingest));
    }

    private CompletableFuture<Void> receive(InboundMessage m) {
        Verdict v = validator.validate(m.topic(), m.payload(), m.receivedAt().toEpochMilli());
        if (v instanceof Verdict.Rejected r) {
            rejected.add(m.topic() + ": " + r.reason() + " " + r.detail());
        }
        receivedPerVin.computeIfAbsent(m.clientId(), k -> new AtomicLong()).incrementAndGet();
        if (m.topic().endsWith("/telemetry")) {
            JsonNode vehicle = Json.parse(new String(m.payload(), StandardCharsets.UTF_8)).path("Vehicle");
            telemetry.computeIfAbsent(m.clientId(), k -> new CopyOnWriteArrayList<>()).add(vehicle);
        }
        if (stall) {
            // The broker acknowledges a QoS 1 message only when its rule has finished: hold them.
            CompletableFuture<Void> held = new CompletableFuture<>();
            stalled.add(held);
            return held;
        }
        return CompletableFuture.completedFuture(null);
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private MqttEndpoint endpoint() {
        return new MqttEndpoint("127.0.0.1", broker.port(), Pem.certificate(ca.certificate()));
    }

    @Test
    void twoHundredVehiclesStartAndStopWithinTwoSecondsAndEveryAcknowledgedMessageArrivesValid() throws Exception {
        try (FleetSimulator simulator = new FleetSimulator(endpoint(), Duration.ofMillis(500), Clock.systemUTC(), 47.62, -122.35)) {
            fleet.forEach(simulator::add);
            long t0 = System.nanoTime();
            CompletableFuture<Void> connected = simulator.start();
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            // Connections complete in the background (TLS handshakes with client certificates); each vehicle
            // publishes as soon as its own connection is up.
            connected.get(60, TimeUnit.SECONDS);
            System.out.printf("FleetSimulatorTest: start() returned in %d ms; %d vehicles connected in %d ms%n",
                    startMs, VEHICLES, (System.nanoTime() - t0) / 1_000_000);
            assertThat(simulator.stats().connected()).isEqualTo(VEHICLES);
            assertThat(simulator.vehicleStats()).allMatch(FleetSimulator.VehicleStats::connected);
            Thread.sleep(2_000);
            long t1 = System.nanoTime();
            simulator.stop(Duration.ofSeconds(2));
            long stopMs = (System.nanoTime() - t1) / 1_000_000;

            FleetSimulator.Stats stats = simulator.stats();
            assertThat(startMs).isLessThan(2_000);
            assertThat(stopMs).isLessThan(2_000);
            assertThat(stats.connected()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.acknowledged()).isEqualTo(stats.published()).isGreaterThanOrEqualTo(VEHICLES * 3L);
            long received = receivedPerVin.values().stream().mapToLong(AtomicLong::get).sum();
            assertThat(received).isGreaterThanOrEqualTo(stats.acknowledged());
            assertThat(rejected).isEmpty();
            for (FleetSimulator.VehicleStats v : simulator.vehicleStats()) {
                assertThat(receivedPerVin.get(v.vin())).as(v.vin()).isNotNull();
                assertThat(receivedPerVin.get(v.vin()).get()).as(v.vin()).isGreaterThanOrEqualTo(v.acknowledged());
            }
            assertThat(simulator.vehicleStats().stream().mapToLong(FleetSimulator.VehicleStats::acknowledged).sum())
                    .isEqualTo(stats.acknowledged());
        }
    }

    @Test
    void aVehicleTheBrokerNeverAcceptsCountsAsFailedWithTheReasonAndDoesNotLowerTheConnectedCount() throws Exception {
        // A certificate the CA issued but the broker does not know (like a revoked one): every attempt is refused.
        String vin = VehicleIdentity.vin("NVR", 1);
        IssuedCertificate cert = ca.issueClient(vin, Duration.ofDays(1));
        VehicleCredentials refused = new VehicleCredentials(vin, cert.certificateId(), cert.certificatePem(), cert.privateKeyPem());
        try (FleetSimulator simulator = new FleetSimulator(endpoint(), Duration.ofMillis(200), Clock.systemUTC(), 47.62, -122.35)) {
            simulator.add(fleet.get(1));
            simulator.add(refused);
            simulator.start();
            // The refused vehicle retries after 1 s, 2 s, ...: each refused attempt must leave the count alone.
            long until = System.nanoTime() + 3_500_000_000L;
            int lowest = Integer.MAX_VALUE;
            Thread.sleep(1_000);
            while (System.nanoTime() < until) {
                lowest = Math.min(lowest, simulator.stats().connected());
                Thread.sleep(20);
            }
            assertThat(lowest).as("connected while one vehicle publishes").isEqualTo(1);
            simulator.stop(Duration.ofSeconds(2));

            FleetSimulator.VehicleStats good = simulator.vehicleStats().get(0);
            FleetSimulator.VehicleStats bad = simulator.vehicleStats().get(1);
            assertThat(good.problem()).isNull();
            assertThat(good.failed()).isZero();
            assertThat(bad.published()).isZero();
            assertThat(bad.failed()).isEqualTo(1);
            assertThat(bad.problem()).startsWith("never connected: ").contains("NOT_AUTHORIZED");
            assertThat(simulator.stats().failed()).isEqualTo(1);
            assertThat(simulator.stats().connected()).isZero();
        }
    }

    @Test
    void aVehicleThatLosesItsConnectionCountsAsFailedWithTheReason() throws Exception {
        // A broker of its own, closed under the connected vehicle: it keeps retrying until the run ends. With an
        // hour's interval the vehicle ticks (and publishes) once, when it connects, so nothing else fails.
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrincipalDirectory directory = id -> Optional.ofNullable(principals.get(id));
        LocalBroker lost = LocalBroker.start(dir.resolve("broker-lost"), port, ca, directory,
                new TopicPolicy("cms--provisioning-template"), List.of(new TopicRule("ingest", "cms/data/#",
                        m -> CompletableFuture.completedFuture(null), false)));
        MqttEndpoint endpoint = new MqttEndpoint("127.0.0.1", port, Pem.certificate(ca.certificate()));
        boolean closed = false;
        try (FleetSimulator simulator = new FleetSimulator(endpoint, Duration.ofHours(1), Clock.systemUTC(), 47.62, -122.35)) {
            simulator.add(fleet.get(2));
            simulator.start().get(30, TimeUnit.SECONDS);
            assertThat(simulator.stats().connected()).isEqualTo(1);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (simulator.stats().acknowledged() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(simulator.stats().acknowledged()).isEqualTo(1);
            lost.close();
            closed = true;
            while (simulator.stats().connected() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(simulator.stats().connected()).as("the vehicle noticed the broker is gone").isZero();
            simulator.stop(Duration.ofSeconds(2));

            FleetSimulator.VehicleStats v = simulator.vehicleStats().get(0);
            assertThat(v.connected()).isFalse();
            assertThat(v.problem()).startsWith("not connected when the run ended");
            assertThat(v.failed()).isEqualTo(1);
            assertThat(simulator.stats().failed()).isEqualTo(1);
        } finally {
            if (!closed) {
                lost.close();
            }
        }
    }

    @Test
    void aVehicleWhoseMessagesAreNotAcknowledgedSkipsTicksInsteadOfQueueing() throws Exception {
        stall = true;
        try (FleetSimulator simulator = new FleetSimulator(endpoint(), Duration.ofMillis(20), Clock.systemUTC(), 47.62, -122.35)) {
            simulator.add(fleet.get(0));
            simulator.start().get(30, TimeUnit.SECONDS);
            Thread.sleep(1_500);
            FleetSimulator.Stats held = simulator.stats();
            assertThat(held.published()).isEqualTo(FleetSimulator.MAX_IN_FLIGHT);
            assertThat(held.acknowledged()).isZero();
            assertThat(held.failed()).isGreaterThan(10);

            stall = false;
            synchronized (stalled) {
                stalled.forEach(f -> f.complete(null));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (simulator.stats().acknowledged() < FleetSimulator.MAX_IN_FLIGHT && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(simulator.stats().acknowledged()).isGreaterThanOrEqualTo(FleetSimulator.MAX_IN_FLIGHT);
            // Publishing resumes on a following tick.
            while (simulator.stats().published() <= FleetSimulator.MAX_IN_FLIGHT && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(simulator.stats().published()).isGreaterThan(FleetSimulator.MAX_IN_FLIGHT);
        } finally {
            stall = false;
            synchronized (stalled) {
                stalled.forEach(f -> f.complete(null));
            }
        }
    }

    @Test
    void aSecondRunOfAVehicleCarriesOnFromWhereTheFirstStoppedAndACorruptStateStartsItAfresh() throws Exception {
        VehicleCredentials car = fleet.get(2);
        LocalConnection vehicles = new LocalConnection(dir, null);
        Path state = vehicles.simulatorState(car.thingName());
        StringWriter warnings = new StringWriter();
        PrintWriter err = new PrintWriter(warnings, true);

        List<JsonNode> first = runOnce(car, vehicles, err);
        JsonNode last = first.get(first.size() - 1);
        assertThat(odometer(last)).as("the car moved").isGreaterThan(odometer(first.get(0)));
        List<JsonNode> second = runOnce(car, vehicles, err);
        assertThat(odometer(second.get(0))).as("the odometer never goes backwards between runs").isGreaterThanOrEqualTo(odometer(last));
        assertThat(second.get(0).get("TripMeterReading").asDouble()).as("the trip goes on")
                .isGreaterThanOrEqualTo(last.get("TripMeterReading").asDouble()).isPositive();
        assertThat(second.get(0).get("StartTime").asText()).isEqualTo(last.get("StartTime").asText());
        assertThat(warnings.toString()).isEmpty();

        Files.writeString(state, "{\"odometerKm\": 12");
        List<JsonNode> third = runOnce(car, vehicles, err);
        assertThat(third).isNotEmpty();
        assertThat(warnings.toString()).contains("ignoring the simulator state of " + car.thingName(), "invalid vehicle state");
        assertThat(VehicleState.load(state)).as("rewritten at the end of the run").isPresent();
    }

    private static double odometer(JsonNode vehicle) {
        return vehicle.get("TraveledDistance").asDouble();
    }

    private List<JsonNode> runOnce(VehicleCredentials car, LocalConnection vehicles, PrintWriter err) throws Exception {
        telemetry.remove(car.thingName());
        try (FleetSimulator simulator = new FleetSimulator(endpoint(), Duration.ofMillis(100), Clock.systemUTC(), 47.62, -122.35)) {
            simulator.add(car, SimulateCommand.resumeState(car.thingName(), vehicles.simulatorState(car.thingName()), err));
            simulator.start().get(30, TimeUnit.SECONDS);
            Thread.sleep(3_000);
            simulator.stop(Duration.ofSeconds(2));
            SimulateCommand.saveStates(simulator.vehicleStates(), vehicles::simulatorState, err);
        }
        return List.copyOf(telemetry.get(car.thingName()));
    }
}
