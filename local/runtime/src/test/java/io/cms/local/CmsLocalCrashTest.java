package io.cms.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.api.LatestStateStore;
import io.cms.api.VehicleState;
import io.cms.lambda.common.Json;
import io.cms.local.dynamo.LocalDynamo;
import io.cms.local.dynamo.LocalTables;
import io.cms.provisioning.ProvisioningStore;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.mqtt.FleetProvisioningClient;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code kill -9} during ingest: every QoS 1 message the broker acknowledged is in the lake after
 * a restart, and a vehicle's latest state is its newest acknowledged message. CMS Local runs in a child JVM (as {@code make local} runs it) so it can be killed
 * for real.
 */
class CmsLocalCrashTest {

    private static final String VIN = "5YJ3E1EA7KF317009";

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageIsInTheLakeAfterKillMinus9AndRestart() throws Exception {
        int mqttPort = Ports.free();
        int dynamoPort = Ports.free();
        Process child = startChild(mqttPort, dynamoPort, "1s");
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            authorize(dynamoPort);
            VehicleCredentials vehicle = provision(mqttPort);
            MqttClient mqtt = connect(mqttPort, vehicle);
            long base = System.currentTimeMillis() - 60_000;
            long killAt = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            for (long i = 0; ; i++) {
                if (System.nanoTime() > killAt && child.isAlive()) {
                    child.destroyForcibly();
                }
                long ts = base + i;
                try {
                    mqtt.publish("cms/data/" + VIN + "/telemetry", ("{\"vin\":\"" + VIN + "\",\"timestamp\":" + ts
                            + ",\"Vehicle\":{\"Speed\":" + (i % 200) + "}}").getBytes(StandardCharsets.UTF_8), 1, false);
                    acknowledged.add(ts);
                } catch (MqttException gone) {
                    break;
                }
            }
            closeAfterKill(mqtt);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).as("messages acknowledged before the kill").hasSizeGreaterThan(50);

        try (CmsLocal restarted = CmsLocal.start(CmsLocalSettings.ephemeral(dir))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(restarted.ingest().drained() && restarted.ingest().stats().consumed() > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        Set<Long> inLake = rawTimestamps(dir.resolve("lake/raw"));
        Set<Long> missing = new HashSet<>(acknowledged);
        missing.removeAll(inLake);
        assertThat(missing).as("acknowledged messages missing from the lake").isEmpty();
    }

    /**
     * A {@code kill -9} after the lake committed a parked vehicle's last message but before the
     * latest-state round stored it: after the restart the vehicle's row is that message (the
     * journal checkpoint had waited for the round, so the message was replayed).
     */
    @Test
    void aParkedVehiclesLastStateSurvivesKillMinus9BetweenTheLakeCommitAndTheLatestStateRound() throws Exception {
        int mqttPort = Ports.free();
        int dynamoPort = Ports.free();
        // The lake commits every 100 ms; latest-state rounds start at most once a second.
        Process child = startChild(mqttPort, dynamoPort, "100ms");
        long base = System.currentTimeMillis() - 60_000;
        long newest = -1;
        try {
            authorize(dynamoPort);
            VehicleCredentials vehicle = provision(mqttPort);
            MqttClient mqtt = connect(mqttPort, vehicle);
            try (DynamoDbClient dynamo = localDynamo(dynamoPort)) {
                LatestStateStore table = new LatestStateStore(dynamo, LocalTables.named("cms").vehicleState());
                publishState(mqtt, base, 0);
                awaitUntil(() -> storedTimestamp(table) == base, "the first state is stored");
                // A round just stored it: the next starts about a second after it. A message sent
                // now reaches the lake within a few lake commits, well before that round; should a
                // slow machine miss the window (the round already stored the message), try again.
                for (int attempt = 1; attempt <= 5; attempt++) {
                    long ts = base + attempt;
                    publishState(mqtt, ts, attempt);
                    awaitUntil(() -> rawTimestamps(dir.resolve("lake/raw")).contains(ts), "the lake committed the message");
                    // Time for the checkpoint that follows a lake commit (a checkpoint that followed
                    // the lake alone would now be past the message).
                    Thread.sleep(300);
                    if (storedTimestamp(table) < ts) {
                        child.destroyForcibly();
                        child.waitFor(30, TimeUnit.SECONDS);
                        newest = ts;
                        break;
                    }
                }
            }
            closeAfterKill(mqtt);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(newest).as("killed while the newest state was in the lake but not yet in the table").isPositive();

        long expected = newest;
        try (CmsLocal restarted = CmsLocal.start(CmsLocalSettings.ephemeral(dir))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(restarted.ingest().drained() && restarted.ingest().stats().consumed() > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(restarted.latestState().get(VIN)).as("the vehicle's row after the restart").get().satisfies(state -> {
                assertThat(state.timestamp()).isEqualTo(expected);
                assertThat(state.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(expected - base);
            });
        }
    }

    private static void publishState(MqttClient mqtt, long timestamp, int speed) throws MqttException {
        mqtt.publish("cms/data/" + VIN + "/telemetry", ("{\"vin\":\"" + VIN + "\",\"timestamp\":" + timestamp
                + ",\"Vehicle\":{\"Speed\":" + speed + "}}").getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static long storedTimestamp(LatestStateStore table) {
        return table.get(VIN).map(VehicleState::timestamp).orElse(Long.MIN_VALUE);
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static DynamoDbClient localDynamo(int dynamoPort) {
        return DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + dynamoPort))
                .region(Region.US_EAST_1).credentialsProvider(LocalDynamo.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private Process startChild(int mqttPort, int dynamoPort, String lakeCommit) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                CmsLocalMain.class.getName(), "--data-dir", dir.toString(), "--mqtt-port", Integer.toString(mqttPort),
                "--dynamodb-port", Integer.toString(dynamoPort), "--lake-commit", lakeCommit))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("CMS Local is running")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
                drain.setDaemon(true);
                drain.start();
                return child;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        child.destroyForcibly();
        throw new AssertionError("CMS Local did not start in the child JVM");
    }

    private void authorize(int dynamoPort) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + dynamoPort))
                .region(Region.US_EAST_1).credentialsProvider(LocalDynamo.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            LocalTables tables = LocalTables.named("cms");
            new ProvisioningStore(dynamo, tables.authorizedVehicles(), tables.provisionedVehicles(), Clock.systemUTC())
                    .authorize(VIN, "Tesla", "Model 3", "2019");
        }
    }

    private VehicleCredentials provision(int mqttPort) throws IOException {
        VehicleCredentials claim = new VehicleCredentials("claim", "claim",
                Files.readString(dir.resolve("claim/cert.pem")), Files.readString(dir.resolve("claim/key.pem")));
        return new FleetProvisioningClient(new MqttEndpoint("127.0.0.1", mqttPort, Files.readString(dir.resolve("pki/ca.pem"))),
                claim, "cms--provisioning-template", Duration.ofSeconds(15)).provision(VIN);
    }

    private MqttClient connect(int mqttPort, VehicleCredentials vehicle) throws Exception {
        MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + mqttPort, VIN, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Files.readString(dir.resolve("pki/ca.pem")),
                vehicle.certificatePem(), vehicle.privateKeyPem()));
        options.setAutomaticReconnect(false);
        mqtt.setTimeToWait(5_000);
        mqtt.connect(options);
        return mqtt;
    }

    private static Set<Long> rawTimestamps(Path raw) throws IOException {
        Set<Long> out = new HashSet<>();
        if (!Files.exists(raw)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(raw)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".json.gz")).toList();
        }
        for (Path file : files) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    JsonNode node = Json.parse(line);
                    out.add(node.path("payload").path("timestamp").asLong());
                }
            }
        }
        return out;
    }

    /** Closes a client whose broker was killed: paho may not have noticed yet and refuses to close a client it thinks is connected. */
    private static void closeAfterKill(MqttClient mqtt) throws MqttException {
        try {
            mqtt.disconnectForcibly(0, 100);
        } catch (MqttException alreadyGone) {
            // nothing to disconnect
        }
        mqtt.close(true);
    }
}
