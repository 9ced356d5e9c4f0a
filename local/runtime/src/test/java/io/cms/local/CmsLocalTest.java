package io.cms.local;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.api.VehicleState;
import io.cms.lambda.common.Json;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.mqtt.FleetProvisioningClient;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** CMS Local booted as a user runs it: provisioning by claim, telemetry in, state and lake out, alarms, restarts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CmsLocalTest {

    private static final String VIN = "5YJ3E1EA7KF317001";
    private static final String OTHER_VIN = "5YJ3E1EA7KF317002";

    @TempDir
    static Path dir;

    private CmsLocal local;
    private VehicleCredentials vehicle;

    @BeforeAll
    void start() {
        local = CmsLocal.start(CmsLocalSettings.ephemeral(dir));
        local.vehicleRegistry().authorize(VIN, "Tesla", "Model 3", "2019");
        vehicle = provisioning().provision(VIN);
    }

    @AfterAll
    void stop() {
        if (local != null) {
            local.close();
        }
    }

    private FleetProvisioningClient provisioning() {
        try {
            VehicleCredentials claim = new VehicleCredentials("claim", "claim",
                    Files.readString(local.claimCertificateFile()), Files.readString(local.claimKeyFile()));
            return new FleetProvisioningClient(endpoint(), claim, local.settings().provisioningTemplate(), Duration.ofSeconds(15));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private MqttEndpoint endpoint() throws IOException {
        return new MqttEndpoint("127.0.0.1", local.mqttPort(), Files.readString(local.caFile()));
    }

    private MqttClient connect(VehicleCredentials credentials) throws Exception {
        MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + local.mqttPort(), credentials.thingName(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Files.readString(local.caFile()), credentials.certificatePem(),
                credentials.privateKeyPem()));
        options.setConnectionTimeout(10);
        mqtt.connect(options);
        return mqtt;
    }

    private static byte[] telemetry(String vin, long timestamp, double speed) {
        return ("{\"vin\":\"" + vin + "\",\"timestamp\":" + timestamp + ",\"Vehicle\":{\"Speed\":" + speed + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(Supplier<Optional<T>> probe, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    @Order(1)
    void provisionedVehicleTelemetryReachesLatestStateAndTheLake() throws Exception {
        long now = System.currentTimeMillis();
        MqttClient mqtt = connect(vehicle);
        mqtt.publish("cms/data/" + VIN + "/telemetry", telemetry(VIN, now - 1000, 88.5), 1, false);
        mqtt.publish("cms/data/" + VIN + "/telemetry", telemetry(VIN, now, 42.5), 1, false);
        mqtt.disconnect();
        mqtt.close();

        VehicleState state = await(() -> local.latestState().get(VIN).filter(s -> s.timestamp() == now), "latest state");
        assertThat(state.signals().path("Vehicle").path("Speed").asDouble()).isEqualTo(42.5);
        Path parquet = await(() -> parquetFiles().findFirst(), "a Parquet file in the lake");
        assertThat(local.lakeRoot().relativize(parquet).toString().replace('\\', '/'))
                .matches("parquet/year=\\d{4}/month=\\d{1,2}/day=\\d{1,2}/hour=\\d{1,2}/.+\\.parquet");
        String token = local.auth().issuer().mintServiceToken(java.util.Set.of(AuthSetupScopes.serviceScope("cms")));
        JsonNode latest = graphql(CmsLocal.API_PATH, token, "{ getVehicle(vin: \"" + VIN + "\") { vin timestamp speed { value } } }");
        assertThat(latest.at("/data/getVehicle/speed/value").asDouble()).as(latest.toString()).isEqualTo(42.5);

        String from = java.time.Instant.ofEpochMilli(now - 3_600_000).toString();
        String to = java.time.Instant.ofEpochMilli(now + 1).toString();
        JsonNode history = await(() -> {
            JsonNode h = graphqlUnchecked(CmsLocal.API_PATH, token, "{ getVehicleHistory(vin: \"" + VIN + "\", from: \"" + from
                    + "\", to: \"" + to + "\", signals: [\"Vehicle.Speed\"]) { items { timestamp speed { value } } nextToken } }");
            return h.at("/data/getVehicleHistory/items").size() == 2 ? Optional.of(h) : Optional.empty();
        }, "both messages in the history");
        assertThat(history.at("/data/getVehicleHistory/items/0/speed/value").asDouble()).isEqualTo(88.5);
        assertThat(history.at("/data/getVehicleHistory/items/1/speed/value").asDouble()).isEqualTo(42.5);
    }

    @Test
    @Order(2)
    void vehicleAlarmReachesTheSubscribedUsersOutboxThroughTheAlertsApis() throws Exception {
        String alice = "alice@example.com";
        String token = local.auth().issuer().mintAccessToken("alice", alice,
                java.util.Set.of(AuthSetupScopes.userScope("cms")));
        JsonNode subscribed = graphql(CmsLocal.ALERTS_FRONTEND_PATH, token,
                "mutation { updateUserSubscriptions(email: \"" + alice + "\", alarms: [{alarmType: \"VEHICLE_ALARM\", "
                        + "vin: \"" + VIN + "\", emailEnabled: true}]) }");
        assertThat(subscribed.at("/data/updateUserSubscriptions").asBoolean()).as(subscribed.toString()).isTrue();

        MqttClient mqtt = connect(vehicle);
        // Refused and logged, not published: malformed, and an alarm naming another vehicle.
        mqtt.publish("cms/notification/" + VIN, "not json".getBytes(StandardCharsets.UTF_8), 1, false);
        mqtt.publish("cms/notification/" + VIN, ("{\"vin\":\"" + OTHER_VIN + "\",\"message\":\"spoofed\"}")
                .getBytes(StandardCharsets.UTF_8), 1, false);
        mqtt.publish("cms/notification/" + VIN, ("{\"vin\":\"" + VIN + "\",\"message\":\"tyre pressure low\"}")
                .getBytes(StandardCharsets.UTF_8), 1, false);
        mqtt.disconnect();
        mqtt.close();

        await(() -> local.alerts().outbox().emailsTo(alice).stream()
                .filter(e -> e.message().contains("tyre pressure low")).findFirst(), "the alert email in the outbox");
        // The alarms go through one by one in order, so the refused ones were handled before this email.
        assertThat(local.alerts().outbox().emails()).noneMatch(e -> e.message().contains("spoofed"));
        assertThat(local.dynamo().client().scan(b -> b.tableName(local.tables().notifications())).items())
                .noneMatch(i -> i.get("message").s().contains("spoofed") || i.get("vin").s().equals(OTHER_VIN));
        JsonNode listed = graphql(CmsLocal.ALERTS_FRONTEND_PATH, token,
                "{ listNotifications(vin: \"" + VIN + "\") { items { message alarmType read } } }");
        assertThat(listed.at("/data/listNotifications/items/0/message").asText()).isEqualTo("tyre pressure low");
        assertThat(graphqlStatus(CmsLocal.ALERTS_FRONTEND_PATH, null, "{ listNotifications(vin: \"" + VIN + "\") { items { message } } }"))
                .as("no token").isEqualTo(401);
    }

    @Test
    @Order(3)
    void theEndpointsFileTellsClientsWhereEverythingIs() {
        LocalEndpoints endpoints = LocalEndpoints.read(dir);

        assertThat(endpoints.mqtt().port()).isEqualTo(local.mqttPort());
        assertThat(endpoints.graphql().alertsFrontendUrl()).isEqualTo(local.url(CmsLocal.ALERTS_FRONTEND_PATH));
        assertThat(endpoints.oidc().issuer()).isEqualTo(local.auth().issuer().issuerUrl());
    }

    @Test
    @Order(3)
    void keysSecretsAndKeyStoresInTheDataDirectoryAreOwnerOnly() throws Exception {
        java.util.List<Path> secrets;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            secrets = files.filter(java.nio.file.Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".key") || name.endsWith(".secret") || name.endsWith(".p12") || name.equals("key.pem")
                        || name.equals("config.xml") || name.equals(LocalEndpoints.FILE);
            }).toList();
        }
        assertThat(secrets).extracting(p -> p.getFileName().toString())
                .contains("ca.key", "key.pem", "server.p12", "config.xml", LocalEndpoints.FILE);
        for (Path secret : secrets) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(secret)))
                    .as(dir.relativize(secret).toString()).isEqualTo("rw-------");
        }
    }

    private JsonNode graphql(String path, String token, String query) throws Exception {
        return Json.parse(send(path, token, query).body());
    }

    private JsonNode graphqlUnchecked(String path, String token, String query) {
        try {
            return graphql(path, token, query);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private int graphqlStatus(String path, String token, String query) throws Exception {
        return send(path, token, query).statusCode();
    }

    private java.net.http.HttpResponse<String> send(String path, String token, String query) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(local.url(path)))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", query))));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(4)
    void malformedTelemetryIsQuarantinedWithItsReasonAndIngestGoesOn() throws Exception {
        MqttClient mqtt = connect(vehicle);
        mqtt.publish("cms/data/" + VIN + "/telemetry", "not json at all".getBytes(StandardCharsets.UTF_8), 1, false);
        mqtt.publish("cms/data/" + VIN + "/telemetry", ("{\"vin\":\"" + VIN + "\",\"timestamp\":"
                + System.currentTimeMillis() + ",\"Vehicle\":{\"Speed\":\"fast\"}}").getBytes(StandardCharsets.UTF_8), 1, false);
        long after = System.currentTimeMillis();
        mqtt.publish("cms/data/" + VIN + "/telemetry", telemetry(VIN, after, 12.5), 1, false);
        mqtt.disconnect();
        mqtt.close();

        await(() -> local.latestState().get(VIN).filter(s -> s.timestamp() == after), "telemetry after the bad messages");
        String quarantine = await(() -> {
            String text = quarantineText();
            return text.contains("NOT_JSON") && text.contains("WRONG_TYPE") ? Optional.of(text) : Optional.empty();
        }, "both bad messages in quarantine");
        assertThat(quarantine).contains("Vehicle.Speed");
    }

    @Test
    @Order(5)
    void vehicleIsDisconnectedWhenPublishingOnAnotherVinsTopic() throws Exception {
        MqttClient mqtt = connect(vehicle);
        try {
            mqtt.publish("cms/data/" + OTHER_VIN + "/telemetry", telemetry(OTHER_VIN, System.currentTimeMillis(), 1), 1, false);
        } catch (MqttException expected) {
            // The broker may close the connection before the acknowledgement.
        }
        await(() -> mqtt.isConnected() ? Optional.empty() : Optional.of(true), "the broker to disconnect the vehicle");
        mqtt.close();
        assertThat(local.latestState().get(OTHER_VIN)).isEmpty();
    }

    @Test
    @Order(6)
    void tokensOfTheLocalIssuerPassTheApiAuthorizerAndForgedOnesDoNot() {
        String token = local.auth().issuer().mintAccessToken("alice", "alice@example.com",
                java.util.Set.of(AuthSetupScopes.userScope("cms")));

        com.fasterxml.jackson.databind.JsonNode context = local.auth().authorize("Bearer " + token);
        assertThat(context).isNotNull();
        assertThat(context.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(local.auth().authorize(token)).as("no Bearer prefix").isNull();
        assertThat(local.auth().authorize("Bearer " + token.substring(0, token.length() - 4) + "AAAA")).isNull();
        assertThat(local.auth().authorize(null)).isNull();
    }

    @Test
    @Order(7)
    void anUnauthorizedVinCannotProvision() {
        assertThatThrownBy(() -> provisioning().provision(OTHER_VIN)).hasMessageContaining("not in the authorized-vehicle registry");
    }

    @Test
    @Order(8)
    void aSecondInstanceOnTheSameDataDirectoryFailsClearly() {
        assertThatThrownBy(() -> CmsLocal.start(CmsLocalSettings.ephemeral(dir)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another CMS Local is running");
    }

    @Test
    @Order(9)
    void aTakenPortFailsClearlyAndNamesTheOption(@TempDir Path other) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CmsLocalSettings settings = new CmsLocalSettings(other, "cms", taken.getLocalPort(), 0, 0, 0, Duration.ofSeconds(1));
            assertThatThrownBy(() -> CmsLocal.start(settings))
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("--mqtt-port");
        }
        // Nothing of the failed start is left holding the directory.
        CmsLocal.start(CmsLocalSettings.ephemeral(other)).close();
    }

    @Test
    @Order(10)
    void stateSurvivesARestart() throws Exception {
        // What CreateKeysAndCertificate registers for a device that then never calls RegisterThing.
        String unregistered = "f".repeat(64);
        local.iot().register(unregistered, io.cms.local.iot.LocalIotRegistry.Status.INACTIVE, false);
        local.close();
        local = CmsLocal.start(CmsLocalSettings.ephemeral(dir));

        assertThat(local.iot().certificate(unregistered)).as("a certificate whose ownership token the restart lost").isEmpty();

        assertThat(local.latestState().get(VIN)).get().extracting(s -> s.signals().path("Vehicle").path("Speed").asDouble())
                .isEqualTo(12.5);
        MqttClient mqtt = connect(vehicle);
        assertThat(mqtt.isConnected()).isTrue();
        mqtt.disconnect();
        mqtt.close();
        assertThat(parquetFiles()).isNotEmpty();
    }

    @Test
    @Order(11)
    void aDeactivationRequestedWhileStoppedIsAppliedAtStart() throws Exception {
        VehicleCredentials other = authorizeAndProvision("5YJ3E1EA7KF317099");
        String certificateId = certificateId(other);
        local.close();
        Path request = io.cms.local.iot.CertificateStatusRequests.submit(dir.resolve("iot"), certificateId,
                io.cms.local.iot.LocalIotRegistry.Status.INACTIVE);

        local = CmsLocal.start(CmsLocalSettings.ephemeral(dir));

        assertThat(request).doesNotExist();
        assertThat(local.iot().certificate(certificateId).orElseThrow().status())
                .isEqualTo(io.cms.local.iot.LocalIotRegistry.Status.INACTIVE);
        assertThatThrownBy(() -> connect(other)).isInstanceOf(MqttException.class);
        MqttClient mqtt = connect(vehicle);
        assertThat(mqtt.isConnected()).isTrue();
        mqtt.disconnect();
        mqtt.close();
    }

    @Test
    @Order(12)
    void aConnectedVehicleIsDisconnectedWhenItsDeactivationIsRequestedWhileRunning() throws Exception {
        VehicleCredentials revoked = authorizeAndProvision("5YJ3E1EA7KF317098");
        String certificateId = certificateId(revoked);
        MqttClient connected = connect(revoked);
        MqttClient bystander = connect(vehicle);
        assertThat(connected.isConnected()).isTrue();

        // What `cms registry revoke --local` drops into the folder, from another process.
        Path request = io.cms.local.iot.CertificateStatusRequests.submit(dir.resolve("iot"), certificateId,
                io.cms.local.iot.LocalIotRegistry.Status.INACTIVE);

        await(() -> connected.isConnected() ? Optional.empty() : Optional.of(true), "the broker to disconnect the revoked vehicle");
        connected.close();
        // The request file goes right after the disconnect, not before it.
        await(() -> Files.exists(request) ? Optional.empty() : Optional.of(true), "the applied request to be deleted");
        assertThat(local.iot().certificate(certificateId).orElseThrow().status())
                .isEqualTo(io.cms.local.iot.LocalIotRegistry.Status.INACTIVE);
        assertThatThrownBy(() -> connect(revoked)).as("reconnecting with the deactivated certificate")
                .isInstanceOf(MqttException.class);
        assertThat(bystander.isConnected()).as("another vehicle's connection").isTrue();
        bystander.disconnect();
        bystander.close();
    }

    @Test
    @Order(13)
    void theOldCertificatesConnectionIsClosedWhenAReprovisionedVehiclesNewCertificateRetiresIt() throws Exception {
        String vin = "5YJ3E1EA7KF317099";
        VehicleCredentials old = authorizeAndProvision(vin);
        MqttClient connected = connect(old);
        assertThat(connected.isConnected()).isTrue();

        // The operator re-authorizes the VIN (e.g. a replaced head unit) and the vehicle provisions again:
        // the Provisioning domain retires the old certificate through the IoT control plane, not the CLI's request files.
        VehicleCredentials replacement = authorizeAndProvision(vin);

        await(() -> connected.isConnected() ? Optional.empty() : Optional.of(true),
                "the broker to disconnect the retired certificate's session");
        connected.close();
        assertThat(local.iot().certificate(certificateId(old)).map(c -> c.status())).as("the old certificate's status")
                .isNotEqualTo(Optional.of(io.cms.local.iot.LocalIotRegistry.Status.ACTIVE));
        MqttClient renewed = connect(replacement);
        assertThat(renewed.isConnected()).isTrue();
        renewed.disconnect();
        renewed.close();
    }

    private VehicleCredentials authorizeAndProvision(String vin) {
        local.vehicleRegistry().authorize(vin, "Tesla", "Model 3", "2019");
        return provisioning().provision(vin);
    }

    private static String certificateId(VehicleCredentials credentials) {
        return io.cms.local.pki.LocalCa.certificateId(io.cms.simulator.pki.Pem.readCertificate(credentials.certificatePem()));
    }

    private String quarantineText() {
        Path root = local.lakeRoot().resolve("quarantine");
        if (!Files.exists(root)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(p -> p.getFileName().toString().endsWith(".json.gz")).toList()) {
                try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
                    text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            return "";
        }
        return text.toString();
    }

    private Stream<Path> parquetFiles() {
        Path root = local.lakeRoot().resolve("parquet");
        if (!Files.exists(root)) {
            return Stream.empty();
        }
        try {
            return Files.walk(root).filter(p -> p.getFileName().toString().endsWith(".parquet")).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }
}
