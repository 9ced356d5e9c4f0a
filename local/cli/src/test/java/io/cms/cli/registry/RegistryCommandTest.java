package io.cms.cli.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.cli.CmsCli;
import io.cms.cli.ExitCodes;
import io.cms.lambda.common.Json;
import io.cms.provisioning.PreProvisionRequest;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.ThingEvent;
import io.cms.provisioning.VehicleRegistry;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.local.iot.CertificateStatusRequests;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@code cms registry ...} through picocli against DynamoDB Local running as a server on loopback,
 * reached through {@code --endpoint-url} like a deployed table; IoT is the in-memory registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryCommandTest {

    private static final String VIN = "1HGCM82633A004352";
    private static int tableSequence;

    private DynamoDBProxyServer server;
    private URI endpoint;
    private DynamoDbClient dynamo;
    private InMemoryIotRegistry iot;
    private String authorized;
    private String provisioned;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    void startServer() throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = ServerRunner.createServerFromCommandLineArgs(new String[] {"-inMemory", "-port", Integer.toString(port),
            "-disableTelemetry"});
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
    }

    @AfterAll
    void stopServer() throws Exception {
        dynamo.close();
        server.stop();
    }

    @BeforeEach
    void freshTables() {
        tableSequence++;
        authorized = "AuthorizedVehicles" + tableSequence;
        provisioned = "ProvisionedVehicles" + tableSequence;
        dynamo.createTable(b -> b.tableName(authorized).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("vin")).keySchema(key("vin", KeyType.HASH)));
        dynamo.createTable(b -> b.tableName(provisioned).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("vin"), attr("certificate_id"))
                .keySchema(key("vin", KeyType.HASH), key("certificate_id", KeyType.RANGE)));
        iot = new InMemoryIotRegistry();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }

    /** The real SDK connector for DynamoDB (through --endpoint-url); IoT is the in-memory registry (no emulator exists). */
    private RegistryConnector connector() {
        return RegistryConnector.withIot(target -> iot);
    }

    private int cms(String... args) {
        return cms(connector(), args);
    }

    private int cms(RegistryConnector connector, String... args) {
        CommandLine cli = CmsCli.commandLine(connector);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String[] withTables(String... args) {
        String[] all = new String[args.length + 8];
        System.arraycopy(args, 0, all, 0, args.length);
        String[] options = {"--table", authorized, "--provisioned-table", provisioned, "--region", "us-east-1",
            "--endpoint-url", endpoint.toString()};
        System.arraycopy(options, 0, all, args.length, options.length);
        return all;
    }

    @Test
    void authorizeThenListShowsTheVehicle() {
        assertThat(cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003")))
                .isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("authorized " + VIN);

        assertThat(cms(withTables("registry", "list", "--json"))).isEqualTo(ExitCodes.OK);
        JsonNode listed = Json.parse(out.toString().substring(out.toString().indexOf('{')));
        assertThat(listed.at("/vehicles/0/vin").asText()).isEqualTo(VIN);
        assertThat(listed.at("/vehicles/0/allowProvisioning").asBoolean()).isTrue();
        assertThat(listed.get("nextToken").isNull()).isTrue();
    }

    @Test
    void listPagesWithTheTokenItPrints() {
        for (int i = 0; i < 3; i++) {
            cms(withTables("registry", "authorize", String.format("1HGCM82633A%06d", i), "--make", "Honda", "--model", "Accord",
                    "--year", "2003"));
        }
        out.getBuffer().setLength(0);
        assertThat(cms(withTables("registry", "list", "--limit", "2"))).isEqualTo(ExitCodes.OK);
        String first = out.toString();
        assertThat(first).contains("more: --next-token ");
        String token = first.substring(first.indexOf("--next-token ") + 13).trim();
        out.getBuffer().setLength(0);

        assertThat(cms(withTables("registry", "list", "--limit", "2", "--next-token", token))).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).doesNotContain("more:");
        assertThat(first.lines().count() - 2 + out.toString().lines().count() - 1).isEqualTo(3);
    }

    @Test
    void authorizeRefusesALowerCaseVinWithUsageExitAndWritesNothing() {
        int code = cms(withTables("registry", "authorize", "1hgcm82633a004352", "--make", "Honda", "--model", "Accord",
                "--year", "2003"));

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("17 characters").doesNotContain("Exception");
        assertThat(dynamo.scan(b -> b.tableName(authorized)).count()).isZero();
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        assertThat(cms(withTables("registry", "authorize", VIN, "--make", "Honda"))).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Missing required options");
    }

    @Test
    void missingTableIsAUsageErrorNamingTheOption() {
        assertThat(cms("registry", "list", "--endpoint-url", endpoint.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--table").contains("CMS_AUTHORIZED_VEHICLES_TABLE");
    }

    @Test
    void malformedEndpointUrlIsAUsageError() {
        assertThat(cms("registry", "list", "--table", authorized, "--endpoint-url", "localhost:8000")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--endpoint-url must be an http(s) URL");
    }

    @Test
    void revokeDeactivatesTheActiveCertificate() {
        cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003"));
        String cert = provisionOnce();
        out.getBuffer().setLength(0);

        assertThat(cms(withTables("registry", "revoke", VIN))).isEqualTo(ExitCodes.OK);

        assertThat(out.toString()).contains("revoked " + VIN).contains(cert).contains("1 certificate(s) deactivated");
        assertThat(iot.describeCertificate(cert).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
    }

    @Test
    void revokeOfAnUnknownVinExitsNotFound() {
        assertThat(cms(withTables("registry", "revoke", VIN))).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(err.toString()).contains("not in the authorized-vehicle registry");
    }

    @Test
    void importReportsBadLinesAndExitsPartial(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("fleet.csv");
        Files.writeString(csv, "vin,make,model,year\n1HGCM82633A000001,Honda,Accord,2003\nBAD,Honda,Accord,2003\n",
                StandardCharsets.UTF_8);

        assertThat(cms(withTables("registry", "import", csv.toString()))).isEqualTo(ExitCodes.PARTIAL);

        assertThat(err.toString()).contains("fleet.csv:3: vin must be 17 characters");
        assertThat(out.toString()).contains("imported 1 vehicle(s), refused 1 line(s)");
        assertThat(dynamo.scan(b -> b.tableName(authorized)).count()).isEqualTo(1);
    }

    @Test
    void importOfAMissingFileIsAUsageError(@TempDir Path dir) {
        assertThat(cms(withTables("registry", "import", dir.resolve("nope.csv").toString()))).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("no such file");
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertThat(cms("registry")).isEqualTo(ExitCodes.USAGE);
        assertThat(cms()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aDeactivationCmsLocalDoesNotApplyInTimeStaysPendingAndIsReported(@TempDir Path dataDir) throws IOException {
        String cert = "d".repeat(64);
        try (LocalIotRegistry journal = LocalIotRegistry.open(dataDir.resolve("iot"))) {
            journal.register(cert, LocalIotRegistry.Status.ACTIVE, false);
        }
        StringWriter messages = new StringWriter();
        AtomicInteger reads = new AtomicInteger();
        CmsLocalIotRegistry local = new CmsLocalIotRegistry(dataDir, new PrintWriter(messages, true), Duration.ofMillis(200),
                counting(reads));

        assertThat(local.describeCertificate(cert).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
        local.updateCertificateStatus(cert, IotCertificateStatus.INACTIVE);
        assertThat(reads).hasValue(1);
        // Not applied: the journal still says ACTIVE, and the next look reads it again rather than guess.
        assertThat(local.describeCertificate(cert).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(reads).hasValue(2);

        Path requests = dataDir.resolve("iot").resolve(CertificateStatusRequests.FOLDER);
        try (var pending = Files.list(requests)) {
            assertThat(pending.filter(f -> f.toString().endsWith(".json")).count()).isEqualTo(1);
        }
        assertThat(messages.toString()).contains("has not applied the deactivation of certificate " + cert)
                .contains("applies it, closing the vehicle's connections, when it starts");
        assertThatThrownBy(() -> local.updateCertificateStatus(cert, IotCertificateStatus.ACTIVE))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> local.deleteCertificate(cert)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("only revokes");
        assertThatThrownBy(() -> local.updateCertificateStatus("e".repeat(64), IotCertificateStatus.INACTIVE))
                .isInstanceOf(IotNotFoundException.class);
    }

    @Test
    void revokeAgainstCmsLocalsIotRegistryReadsTheJournalOnceAndCmsLocalDeactivatesTheCertificate(@TempDir Path dataDir)
            throws IOException {
        cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003"));
        String cert = provisionOnce();
        ProvisioningStore store = new ProvisioningStore(dynamo, authorized, provisioned, Clock.systemUTC());
        List<String> disconnected = new CopyOnWriteArrayList<>();
        Path iotDir = dataDir.resolve("iot");
        // CMS Local's side: its registry journal knows the certificate ACTIVE and it applies the request files.
        try (LocalIotRegistry cmsLocal = LocalIotRegistry.open(iotDir);
             CertificateStatusRequests requests = new CertificateStatusRequests(iotDir, cmsLocal)) {
            cmsLocal.onCertificateRetired(disconnected::add);
            cmsLocal.register(cert, LocalIotRegistry.Status.ACTIVE, false);
            requests.start(Duration.ofMillis(20));
            StringWriter messages = new StringWriter();
            AtomicInteger reads = new AtomicInteger();
            CmsLocalIotRegistry local = new CmsLocalIotRegistry(dataDir, new PrintWriter(messages, true), Duration.ofSeconds(5),
                    counting(reads));

            VehicleRegistry.Revocation revocation = new VehicleRegistry(store, local).revoke(VIN);

            assertThat(revocation.previouslyActiveCertificateId()).isEqualTo(cert);
            assertThat(revocation.deactivatedInIot()).isEqualTo(1);
            assertThat(reads).as("journal reads of one revoke of a vehicle with one certificate").hasValue(1);
            assertThat(messages.toString()).isEmpty();
            assertThat(cmsLocal.certificate(cert).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(LocalIotRegistry.readCertificates(iotDir).get(cert).status())
                    .isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(disconnected).containsExactly(cert);
            try (var left = Files.list(CertificateStatusRequests.folder(iotDir))) {
                assertThat(left).as("request files left").isEmpty();
            }
            // The instance's view reflects the deactivation CMS Local applied, without reading again.
            assertThat(local.describeCertificate(cert).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
            assertThat(reads).hasValue(1);

            // Safe to repeat: a new command reads the journal once and finds nothing left to deactivate.
            AtomicInteger again = new AtomicInteger();
            CmsLocalIotRegistry next = new CmsLocalIotRegistry(dataDir, new PrintWriter(messages, true), Duration.ofSeconds(5),
                    counting(again));
            assertThat(new VehicleRegistry(store, next).revoke(VIN).deactivatedInIot()).isZero();
            assertThat(again).hasValue(1);
            assertThat(disconnected).containsExactly(cert);
        }
    }

    @Test
    void revokeReportsWhyCmsLocalRejectedTheDeactivationAndFails(@TempDir Path dataDir) {
        cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003"));
        String cert = provisionOnce();
        Path iotDir = dataDir.resolve("iot");
        try (LocalIotRegistry cmsLocal = LocalIotRegistry.open(iotDir);
             CertificateStatusRequests requests = new CertificateStatusRequests(iotDir, cmsLocal)) {
            cmsLocal.register(cert, LocalIotRegistry.Status.ACTIVE, false);
            requests.start(Duration.ofMillis(20));
            // The CLI reads the certificate ACTIVE; an operator revokes it in CMS Local right after.
            CmsLocalIotRegistry local = new CmsLocalIotRegistry(dataDir, new PrintWriter(err, true), Duration.ofSeconds(5),
                    dir -> {
                        Map<String, LocalIotRegistry.Certificate> read = LocalIotRegistry.readCertificates(dir);
                        cmsLocal.setStatus(cert, LocalIotRegistry.Status.REVOKED);
                        return read;
                    });

            int exit = cms(RegistryConnector.withIot(target -> local), withTables("registry", "revoke", VIN));

            assertThat(exit).isEqualTo(ExitCodes.FAILURE);
            assertThat(err.toString()).contains("CMS Local rejected the deactivation of certificate " + cert + ": certificate "
                    + cert + " is REVOKED, which is final: it stays REVOKED and cannot become INACTIVE")
                    .contains(CertificateStatusRequests.REJECTED_SUFFIX);
            assertThat(out.toString()).doesNotContain("revoked " + VIN);
            assertThat(cmsLocal.certificate(cert).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        }
    }

    @Test
    void revokeOfACertificateCmsLocalDeletedMeanwhileSaysItIsAlreadyGoneAndSucceeds(@TempDir Path dataDir)
            throws IOException {
        cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003"));
        String cert = provisionOnce();
        Path iotDir = dataDir.resolve("iot");
        try (LocalIotRegistry cmsLocal = LocalIotRegistry.open(iotDir);
             CertificateStatusRequests requests = new CertificateStatusRequests(iotDir, cmsLocal)) {
            cmsLocal.register(cert, LocalIotRegistry.Status.ACTIVE, false);
            requests.start(Duration.ofMillis(20));
            // The CLI reads the certificate ACTIVE; CMS Local retires and deletes it right after (e.g. a reconcile).
            CmsLocalIotRegistry local = new CmsLocalIotRegistry(dataDir, new PrintWriter(err, true), Duration.ofSeconds(5),
                    dir -> {
                        Map<String, LocalIotRegistry.Certificate> read = LocalIotRegistry.readCertificates(dir);
                        if (cmsLocal.certificate(cert).isPresent()) {
                            cmsLocal.setStatus(cert, LocalIotRegistry.Status.INACTIVE);
                            cmsLocal.delete(cert);
                        }
                        return read;
                    });

            int exit = cms(RegistryConnector.withIot(target -> local), withTables("registry", "revoke", VIN));

            assertThat(exit).isEqualTo(ExitCodes.OK);
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).contains("revoked " + VIN + ": active certificate " + cert
                    + ", 0 certificate(s) deactivated in IoT, 1 already gone from IoT (deleted: cannot connect)");
            try (var left = Files.list(CertificateStatusRequests.folder(iotDir))) {
                assertThat(left).as("request, rejection and note files left").isEmpty();
            }
        }
    }

    @Test
    void revokeOfAVehicleWithSeveralCertificatesReadsCmsLocalsJournalOnce(@TempDir Path dataDir) {
        cms(withTables("registry", "authorize", VIN, "--make", "Honda", "--model", "Accord", "--year", "2003"));
        String first = provisionOnce();
        ProvisioningStore store = new ProvisioningStore(dynamo, authorized, provisioned, Clock.systemUTC());
        // A second certificate, of a provisioning still in flight.
        String second = iot.createCertificate();
        assertThat(store.putPending(store.vehicle(VIN).orElseThrow(), second, VIN, 2)).isTrue();
        List<String> disconnected = new CopyOnWriteArrayList<>();
        Path iotDir = dataDir.resolve("iot");
        try (LocalIotRegistry cmsLocal = LocalIotRegistry.open(iotDir);
             CertificateStatusRequests requests = new CertificateStatusRequests(iotDir, cmsLocal)) {
            cmsLocal.onCertificateRetired(disconnected::add);
            cmsLocal.register(first, LocalIotRegistry.Status.ACTIVE, false);
            cmsLocal.register(second, LocalIotRegistry.Status.ACTIVE, false);
            requests.start(Duration.ofMillis(20));
            AtomicInteger reads = new AtomicInteger();
            CmsLocalIotRegistry local = new CmsLocalIotRegistry(dataDir, new PrintWriter(err, true), Duration.ofSeconds(5),
                    counting(reads));

            VehicleRegistry.Revocation revocation = new VehicleRegistry(store, local).revoke(VIN);

            assertThat(revocation.deactivatedInIot()).isEqualTo(2);
            assertThat(reads).as("journal reads of one revoke of a vehicle with two certificates").hasValue(1);
            assertThat(disconnected).containsExactlyInAnyOrder(first, second);
            assertThat(LocalIotRegistry.readCertificates(iotDir).values()).extracting(LocalIotRegistry.Certificate::status)
                    .containsOnly(LocalIotRegistry.Status.INACTIVE);
            assertThat(local.describeCertificate(second).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
            assertThat(reads).hasValue(1);
        }
    }

    /** CMS Local's journal as the CLI reads it, counting the reads. */
    private static Function<Path, Map<String, LocalIotRegistry.Certificate>> counting(AtomicInteger reads) {
        return dir -> {
            reads.incrementAndGet();
            return LocalIotRegistry.readCertificates(dir);
        };
    }

    @Test
    void revokeWithLocalAndNoCmsLocalRunningSaysSo(@TempDir Path dataDir) {
        assertThat(cms("registry", "revoke", "--local", dataDir.toString(), VIN)).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("CMS Local is not running in " + dataDir);
    }

    private String provisionOnce() {
        ProvisioningStore store = new ProvisioningStore(dynamo, authorized, provisioned, Clock.systemUTC());
        Provisioning provisioning = new Provisioning(store, iot, "cms--provisioning-template", Provisioning.RetryAfterActivation.REFUSED);
        String cert = iot.createCertificate();
        assertThat(provisioning.preProvision(new PreProvisionRequest(null, cert, null, "c", Map.of("vin", VIN))).allow()).isTrue();
        var event = iot.registerThing(VIN, Map.of("vin", VIN, "certificate_id", cert,
                "provisioned_by_template", "cms--provisioning-template"), cert, "policy");
        provisioning.postProvision(new ThingEvent(event.operation(), VIN, event.attributes()));
        return cert;
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
