package io.cms.cli.vehicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.local.LocalConnection;
import io.cms.local.iot.CertificateStatusRequests;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.time.Duration;

import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import io.cms.cli.ExitCodes;
import io.cms.local.CmsLocal;
import io.cms.local.LocalEndpoints;
import io.cms.simulator.model.VehicleIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * The vehicle and simulate commands against a CMS Local started in the test (broker with client
 * certificates, local CA, fleet provisioning consulting the DynamoDB Local registry), found
 * through the {@code cms-local.json} it describes itself with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VehicleCommandsTest {

    private static final String VIN = "1HGCM82633A004352";
    private static final String OTHER_VIN = "5YJ3E1EA7KF317002";

    @RegisterExtension
    static final RunningCmsLocal LOCAL = new RunningCmsLocal();

    private static Run cms(String... args) {
        return Cms.run(args);
    }

    private static <T> T await(Supplier<Optional<T>> probe, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private Path payload(String vin, long timestamp) throws Exception {
        Path file = Files.createTempFile(LOCAL.dir(), "payload", ".json");
        Files.writeString(file, "{\"vin\":\"" + vin + "\",\"timestamp\":" + timestamp + ",\"Vehicle\":{\"Speed\":42.5}}");
        return file;
    }

    private void setUp(String vin) {
        Run r = cms("vehicle", "setup", "--vin", vin, "--make", "Honda", "--model", "Accord", "--year", "2003", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void setupAuthorizesProvisionsAndStoresTheVehiclesCredentials() throws Exception {
        Run r = cms("vehicle", "setup", "--vin", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        Path creds = LOCAL.dir().resolve("vehicles").resolve(VIN);
        assertThat(Files.readString(creds.resolve("private.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(creds.resolve("certificate.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(creds.resolve("ca.pem"))).isEqualTo(Files.readString(LOCAL.local().caFile()));
        String certificateId = Files.readString(creds.resolve("certificate.id")).trim();
        assertThat(LOCAL.local().vehicleRegistry().get(VIN)).get()
                .satisfies(v -> assertThat(v.activeCertificateId()).isEqualTo(certificateId))
                .satisfies(v -> assertThat(v.make()).isEqualTo("Honda"));
    }

    @Test
    void aSetUpVehiclePublishesOnItsOwnTopicAndTheTelemetryArrives() throws Exception {
        setUp(VIN);
        long ts = System.currentTimeMillis();
        Run r = cms("vehicle", "publish", "--vin", VIN, "--file", payload(VIN, ts).toString(), "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("cms/data/" + VIN + "/telemetry");
        await(() -> LOCAL.local().latestState().get(VIN).filter(s -> s.timestamp() == ts), "the published telemetry in the latest state");
    }

    @Test
    void aSetUpVehicleIsRefusedOnAnotherVinsTopic() throws Exception {
        setUp(VIN);
        Run r = cms("vehicle", "publish", "--vin", VIN, "--file", payload(OTHER_VIN, System.currentTimeMillis()).toString(),
                "--topic", "cms/data/" + OTHER_VIN + "/telemetry", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("refused").contains(OTHER_VIN);
        assertThat(LOCAL.local().latestState().get(OTHER_VIN)).isEmpty();
    }

    @Test
    void registryRevokeLocalDeactivatesTheCertificateAndTheBrokerClosesTheVehiclesConnection() throws Exception {
        String vin = VehicleIdentity.vin("RVK", 1);
        setUp(vin);
        LocalConnection connection = new LocalConnection(LOCAL.dir(), LocalEndpoints.read(LOCAL.dir()));
        VehicleCredentials credentials = connection.credentials(vin).orElseThrow();
        String certificateId = Files.readString(connection.vehicleDir(vin).resolve("certificate.id")).trim();
        Mqtt3BlockingClient vehicle = VehicleMqtt.connect(connection.mqtt(), credentials, Duration.ofSeconds(10));
        try {
            assertThat(vehicle.getState().isConnected()).isTrue();

            Run r = cms("registry", "revoke", "--local", LOCAL.dir().toString(), vin);

            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).contains("revoked " + vin + ": active certificate " + certificateId)
                    .contains("1 certificate(s) deactivated");
            assertThat(r.err()).as("CMS Local applied the request in time").isEmpty();
            assertThat(LOCAL.local().iot().certificate(certificateId).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (vehicle.getState().isConnected() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(vehicle.getState().isConnected()).as("the broker closed the revoked vehicle's connection").isFalse();
            assertThatThrownBy(() -> VehicleMqtt.connect(connection.mqtt(), credentials, Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(e.getMqttMessage().getReturnCode())
                            .isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
            assertThat(LOCAL.dir().resolve("iot").resolve(CertificateStatusRequests.FOLDER)).isEmptyDirectory();
        } finally {
            VehicleMqtt.disconnectQuietly(vehicle);
        }
    }

    @Test
    void settingUpAgainReusesTheStoredCertificate() {
        setUp(VIN);
        Run again = cms("vehicle", "setup", "--vin", VIN, "--local", LOCAL.dir().toString());
        assertThat(again.exit()).as(again.err()).isEqualTo(ExitCodes.OK);
        assertThat(again.out()).startsWith("reused " + VIN);
    }

    @Test
    void listShowsTheSetUpVehiclesWithTheirRegistryState() {
        setUp(VIN);
        Run r = cms("vehicle", "list", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).containsPattern(VIN + "\\s+active\\s+Honda Accord 2003");
    }

    @Test
    void aPartlyWrittenCredentialsDirectoryIsListedAsIncompleteAndSetUpAgain() throws Exception {
        String vin = VehicleIdentity.vin("PRT", 1);
        // What a set-up interrupted while storing left behind: a certificate and a key, no id or name.
        Path creds = Files.createDirectories(LOCAL.dir().resolve("vehicles").resolve(vin));
        Files.writeString(creds.resolve("certificate.pem"), "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(creds.resolve("private.key"), "-----BEGIN PRIVATE KEY-----\n");

        Run list = cms("vehicle", "list", "--local", LOCAL.dir().toString());
        assertThat(list.exit()).as(list.err()).isEqualTo(ExitCodes.OK);
        assertThat(list.out()).containsPattern(vin + "\\s+incomplete");

        Run setup = cms("vehicle", "setup", "--vin", vin, "--local", LOCAL.dir().toString());
        assertThat(setup.exit()).as(setup.err()).isEqualTo(ExitCodes.OK);
        assertThat(new LocalConnection(LOCAL.dir(), LocalEndpoints.read(LOCAL.dir())).credentials(vin)).get()
                .satisfies(c -> assertThat(c.certificateId()).isEqualTo(LOCAL.local().vehicleRegistry().get(vin).orElseThrow().activeCertificateId()));
        assertThat(cms("vehicle", "list", "--local", LOCAL.dir().toString()).out()).containsPattern(vin + "\\s+active");
    }

    @Test
    void simulateProvisionsMissingVehiclesRunsThemAndStopsWithinTwoSeconds() throws Exception {
        Run r = cms("simulate", "--vehicles", "3", "--interval", "200ms", "--duration", "2s", "--progress-every", "1s",
                "--vin-prefix", "TST", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("setting up 3 of 3 vehicles").contains("connected 3/3").contains("done: 3 vehicles");
        Matcher stopped = Pattern.compile("stopped in (\\d+) ms").matcher(r.out());
        assertThat(stopped.find()).isTrue();
        assertThat(Long.parseLong(stopped.group(1))).isLessThan(2_000);
        for (int i = 1; i <= 3; i++) {
            String vin = VehicleIdentity.vin("TST", i);
            assertThat(LOCAL.dir().resolve("vehicles").resolve(vin).resolve("private.key")).exists();
            await(() -> LOCAL.local().latestState().get(vin), "telemetry of simulated vehicle " + vin);
        }
    }

    @Test
    void simulateSetsUpAgainAVehicleWhoseStoredCertificateWasRevoked() {
        String vin = VehicleIdentity.vin("RVS", 1);
        setUp(vin);
        Run revoke = cms("registry", "revoke", "--local", LOCAL.dir().toString(), vin);
        assertThat(revoke.exit()).as(revoke.err()).isEqualTo(ExitCodes.OK);

        Run r = cms("simulate", "--vehicles", "1", "--vin-prefix", "RVS", "--interval", "200ms", "--duration", "2s",
                "--local", LOCAL.dir().toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("setting up 1 of 1 vehicles").contains("done: 1 vehicles");
    }

    @Test
    void simulateCanTakeItsVehiclesFromTheRegistry() throws Exception {
        LOCAL.local().vehicleRegistry().authorize(VehicleIdentity.vin("REG", 1), "Volta", "Cargo", "2024");
        Run r = cms("simulate", "--vehicles", "2", "--vins-from-registry", "--interval", "250ms", "--duration", "1s",
                "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("done: 2 vehicles");
    }

    @Test
    void vinPrefixAndRegistryVinsCannotBeCombined() {
        Run r = cms("simulate", "--vin-prefix", "TST", "--vins-from-registry", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void anInvalidVinIsRefusedWithOneLine() {
        Run r = cms("vehicle", "setup", "--vin", "1HGCM82633A00435O", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).doesNotContain("\n").contains("vin must be 17 characters");
    }

    @Test
    void aMissingDataDirectoryTellsHowToStartCmsLocal() {
        Run r = cms("vehicle", "list", "--local", LOCAL.dir().resolve("nowhere").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no CMS Local data directory");
    }

    @Test
    void aDataDirectoryWithoutCmsLocalRunningIsReported() throws Exception {
        Path empty = Files.createDirectories(LOCAL.dir().resolve("stopped"));
        Run r = cms("simulate", "--vehicles", "1", "--local", empty.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("CMS Local is not running");
    }

    @Test
    void aFileLeftByAKilledInstanceIsReportedAsUnreachable() throws Exception {
        Path stale = Files.createDirectories(LOCAL.dir().resolve("stale"));
        LocalEndpoints live = LocalEndpoints.of(LOCAL.local());
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        new LocalEndpoints(new LocalEndpoints.Mqtt("127.0.0.1", deadPort, live.mqtt().caFile()), live.claim(), live.dynamodb(),
                null, null).write(stale);
        Run r = cms("vehicle", "setup", "--vin", VIN, "--local", stale.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).startsWith("cms: CMS Local in " + stale + " is not reachable: nothing answers on 127.0.0.1:" + deadPort + " (MQTT)");
    }

    @Test
    void provisioningThatCmsLocalRefusesFailsWithItsReasonAndStoresNothing() throws Exception {
        Path wrong = Files.createDirectories(LOCAL.dir().resolve("wrong-template"));
        LocalEndpoints live = LocalEndpoints.of(LOCAL.local());
        for (String f : new String[] {live.mqtt().caFile(), live.claim().certFile(), live.claim().keyFile()}) {
            Files.createDirectories(wrong.resolve(f).getParent());
            Files.copy(LOCAL.dir().resolve(f), wrong.resolve(f));
        }
        new LocalEndpoints(live.mqtt(), new LocalEndpoints.Claim(live.claim().certFile(), live.claim().keyFile(), "other-template"),
                live.dynamodb(), null, null).write(wrong);
        String vin = VehicleIdentity.vin("REJ", 1);
        Run r = cms("vehicle", "setup", "--vin", vin, "--local", wrong.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err().strip()).startsWith("cms: provisioning " + vin + " failed").contains("template 'other-template'")
                .endsWith("nothing was stored");
        assertThat(wrong.resolve("vehicles").resolve(vin)).doesNotExist();
    }

    @Test
    void aNegativeVehicleCountIsRefused() {
        Run r = cms("simulate", "--vehicles", "-5", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --vehicles must be at least 1, got -5");
    }

    @Test
    void anUnparseableDurationIsRefused() {
        Run r = cms("simulate", "--duration", "ten seconds", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --duration: 'ten seconds' is not a duration: use e.g. 500ms, 1s, 2m, 1h");
    }

    @Test
    void aDurationTooLongToRunIsRefusedBeforeAnyVehicleIsSetUp() {
        Run r = cms("simulate", "--vehicles", "1", "--vin-prefix", "LNG", "--duration", "999999999h", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --duration: '999999999h' is too long: at most 8760h (365 days)");
        assertThat(LOCAL.dir().resolve("vehicles").resolve(VehicleIdentity.vin("LNG", 1))).doesNotExist();
    }

    @Test
    void anIsoDurationTooLongForTheProgressTimerIsRefused() {
        Run r = cms("simulate", "--vehicles", "1", "--progress-every", "P200000D", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --progress-every: 'P200000D' is too long: at most 8760h (365 days)");
    }

    @Test
    void setupWithoutMakeModelAndYearKeepsWhatTheRegistryHolds() {
        String vin = VehicleIdentity.vin("KEP", 1);
        LOCAL.local().vehicleRegistry().authorize(vin, "Rivertone", "Hauler", "1999");
        Run r = cms("vehicle", "setup", "--vin", vin, "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(LOCAL.local().vehicleRegistry().get(vin)).get()
                .satisfies(v -> assertThat(List.of(v.make(), v.model(), v.year())).containsExactly("Rivertone", "Hauler", "1999"));
    }

    @Test
    void setupWithOnlyAMakeUpdatesTheMakeAndKeepsTheModelAndYear() {
        String vin = VehicleIdentity.vin("KEP", 2);
        LOCAL.local().vehicleRegistry().authorize(vin, "Rivertone", "Hauler", "1999");
        Run r = cms("vehicle", "setup", "--vin", vin, "--make", "Brookline", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(LOCAL.local().vehicleRegistry().get(vin)).get()
                .satisfies(v -> assertThat(List.of(v.make(), v.model(), v.year())).containsExactly("Brookline", "Hauler", "1999"));
    }

    @Test
    void setupOfAVinNotInTheRegistryAuthorizesItWithTheSimulatedIdentity() {
        String vin = VehicleIdentity.vin("KEP", 3);
        VehicleIdentity identity = VehicleIdentity.forVin(vin);
        Run r = cms("vehicle", "setup", "--vin", vin, "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(LOCAL.local().vehicleRegistry().get(vin)).get()
                .satisfies(v -> assertThat(List.of(v.make(), v.model(), v.year()))
                        .containsExactly(identity.make(), identity.model(), String.valueOf(identity.year())));
    }

    @Test
    void simulateFromTheRegistryKeepsTheRegistrysMakeModelAndYear() {
        String vin = VehicleIdentity.vin("KEP", 4);
        LOCAL.local().vehicleRegistry().authorize(vin, "Rivertone", "Hauler", "1999");
        // Every authorized vehicle (the registry lists in no particular order), so this one is among them.
        Run r = cms("simulate", "--vehicles", "1000", "--vins-from-registry", "--interval", "250ms", "--duration", "1s",
                "--local", LOCAL.dir().toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(LOCAL.dir().resolve("vehicles").resolve(vin).resolve("private.key")).exists();
        assertThat(LOCAL.local().vehicleRegistry().get(vin)).get()
                .satisfies(v -> assertThat(List.of(v.make(), v.model(), v.year())).containsExactly("Rivertone", "Hauler", "1999"));
    }

    @Test
    void aZeroIntervalIsRefused() {
        Run r = cms("simulate", "--interval", "0s", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --interval: '0s' must be a positive duration");
    }

    @Test
    void aVinPrefixWithForbiddenLettersIsRefused() {
        Run r = cms("simulate", "--vehicles", "1", "--vin-prefix", "SIM", "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("without I, O and Q");
    }

    @Test
    void publishingAFileThatIsNotJsonIsRefusedBeforeConnecting() throws Exception {
        Path bad = Files.writeString(LOCAL.dir().resolve("bad.json"), "{\"vin\":");
        Run r = cms("vehicle", "publish", "--vin", VIN, "--file", bad.toString(), "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("bad.json").contains("malformed JSON");
    }

    @Test
    void publishingAsAVehicleThatWasNeverSetUpTellsHowToSetItUp() throws Exception {
        String vin = VehicleIdentity.vin("NEW", 1);
        Run r = cms("vehicle", "publish", "--vin", vin, "--file", payload(vin, System.currentTimeMillis()).toString(),
                "--local", LOCAL.dir().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("cms vehicle setup --vin " + vin);
    }
}
