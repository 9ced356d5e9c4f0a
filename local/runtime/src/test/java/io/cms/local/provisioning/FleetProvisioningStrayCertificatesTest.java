package io.cms.local.provisioning;

import static io.cms.local.provisioning.FleetProvisioningRegisterTest.VIN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.cms.local.LocalDynamoFixture;
import io.cms.local.LogCapture;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.CertificateStatus;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What CMS Local's start does with certificates ACTIVE in its IoT registry that the tables do not
 * account for, and what it reads to find them.
 */
class FleetProvisioningStrayCertificatesTest {

    private static final String OTHER_VIN = "5YJ3E1EA7KF317000";

    @RegisterExtension
    static final LocalDynamoFixture LOCAL = new LocalDynamoFixture();

    @TempDir
    Path dir;
    private LocalTables tables;
    private LocalIotRegistry registry;
    private ProvisioningStore store;
    /** DynamoDB calls of the domain, by operation. */
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private DomainProvisioningHooks hooks;
    private FleetProvisioning fleet;
    private String claimId;

    @BeforeEach
    void start() {
        tables = LOCAL.freshTables("stray");
        store = new ProvisioningStore(counting(LOCAL.dynamo().client()), tables.authorizedVehicles(),
                tables.provisionedVehicles(), Clock.systemUTC());
        registry = LocalIotRegistry.open(dir);
        hooks = new DomainProvisioningHooks(DomainProvisioningHooks.cmsLocalDomain(store, new LocalIotControlPlane(registry),
                "cms-template"));
        fleet = new FleetProvisioning(LOCAL.ca(), registry, hooks, "cms-template", Duration.ofDays(1));
        claimId = fleet.issueClaimCertificate().certificateId();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void anActiveCertificateWithoutATableRowIsRetiredAtStartAndTheClaimCertificateIsNot() {
        store.authorize(VIN, "Honda", "Accord", "2003");
        String provisioned = provision(VIN);
        String noRow = activeInRegistry(VIN);
        String noThing = newCertificateId();
        registry.register(noThing, LocalIotRegistry.Status.ACTIVE, false);

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            fleet.cleanUpAtStart();

            assertThat(registry.certificate(noRow)).as("ACTIVE, attached to the VIN, no row").isEmpty();
            assertThat(registry.certificate(noThing)).as("ACTIVE, attached to nothing, no row").isEmpty();
            assertThat(registry.certificatesOf(VIN)).extracting(LocalIotRegistry.Certificate::certificateId)
                    .containsExactly(provisioned);
            assertThat(registry.activePrincipal(provisioned)).isPresent();
            assertThat(registry.activePrincipal(claimId)).as("the claim certificate").isPresent();
            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains(noRow).contains(VIN)
                    .contains("no row"));
            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains(noThing).contains("no thing"));
            assertThat(log.messages(Level.WARN)).noneSatisfy(m -> assertThat(m).contains(provisioned));
            assertThat(log.messages(Level.WARN)).noneSatisfy(m -> assertThat(m).contains(claimId));
        }
    }

    @Test
    void anActiveCertificateOfAVinNoLongerAuthorizedIsRetiredAtStart() {
        store.authorize(VIN, "Honda", "Accord", "2003");
        store.authorize(OTHER_VIN, "Tesla", "Model 3", "2019");
        String kept = provision(VIN);
        String orphan = provision(OTHER_VIN);
        LOCAL.dynamo().client().deleteItem(b -> b.tableName(tables.authorizedVehicles())
                .key(Map.of("vin", AttributeValue.fromS(OTHER_VIN))));

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            fleet.cleanUpAtStart();

            assertThat(registry.certificate(orphan)).isEmpty();
            assertThat(registry.certificatesOf(OTHER_VIN)).isEmpty();
            assertThat(registry.activePrincipal(kept)).isPresent();
            assertThat(registry.activePrincipal(claimId)).isPresent();
            assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains(orphan).contains(OTHER_VIN)
                    .contains("not in the authorized-vehicle table"));
        }
        // The table says what IoT now holds, as after a revocation: the retired certificate's row is no longer ACTIVE.
        assertThat(store.certificate(OTHER_VIN, orphan).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(store.certificate(VIN, kept).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @Test
    void anActiveRowOfAVinDeletedAndAuthorizedAgainIsRetiredAtStartWithItsCertificate() {
        store.authorize(OTHER_VIN, "Tesla", "Model 3", "2019");
        String old = provision(OTHER_VIN);
        LOCAL.dynamo().client().deleteItem(b -> b.tableName(tables.authorizedVehicles())
                .key(Map.of("vin", AttributeValue.fromS(OTHER_VIN))));
        store.authorize(OTHER_VIN, "Tesla", "Model 3", "2019");

        fleet.cleanUpAtStart();

        assertThat(registry.certificate(old)).isEmpty();
        assertThat(store.certificate(OTHER_VIN, old).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(store.vehicle(OTHER_VIN).orElseThrow().allowProvisioning()).as("the new authorization stands").isTrue();
        assertThat(provision(OTHER_VIN)).isNotEqualTo(old);
    }

    @Test
    void aHealthyFleetIsReconciledFromOneReadOfTheAuthorizedVehiclesWithoutAQueryPerVin() {
        String[] vins = {VIN, OTHER_VIN, "1FTFW1ET5DFC10312"};
        for (String vin : vins) {
            store.authorize(vin, "Make", "Model", "2020");
            provision(vin);
        }
        store.authorize("2T1BURHE0JC014702", "Toyota", "Corolla", "2018"); // authorized, never provisioned
        calls.clear();

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            fleet.cleanUpAtStart();

            assertThat(log.messages(Level.WARN)).isEmpty();
        }
        assertThat(calls.keySet()).as("DynamoDB operations at start").containsExactly("scan");
        assertThat(calls.get("scan")).hasValue(1);
    }

    /** Provisions a VIN as fleet provisioning does: the domain's hooks, then attached and ACTIVE in the registry. */
    private String provision(String vin) {
        String certificateId = newCertificateId();
        registry.register(certificateId, LocalIotRegistry.Status.INACTIVE, false);
        assertThat(hooks.preProvision(claimId, certificateId, null, "device", Map.of("vin", vin)).allow()).isTrue();
        assertThat(hooks.postProvision(vin, certificateId)).isEqualTo(ProvisioningHooks.PostOutcome.ACTIVATE);
        registry.attach(vin, DomainProvisioningHooks.thingAttributes(vin, certificateId, "cms-template"), certificateId);
        registry.setStatus(certificateId, LocalIotRegistry.Status.ACTIVE);
        return certificateId;
    }

    /** A certificate ACTIVE and attached to the VIN's thing that the tables know nothing of. */
    private String activeInRegistry(String vin) {
        String certificateId = newCertificateId();
        registry.register(certificateId, LocalIotRegistry.Status.INACTIVE, false);
        registry.attach(vin, DomainProvisioningHooks.thingAttributes(vin, certificateId, "cms-template"), certificateId);
        registry.setStatus(certificateId, LocalIotRegistry.Status.ACTIVE);
        return certificateId;
    }

    private static String newCertificateId() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The client, counting its calls by operation into {@link #calls}. */
    private DynamoDbClient counting(DynamoDbClient client) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
