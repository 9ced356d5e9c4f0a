package io.cms.local.provisioning;

import static io.cms.local.provisioning.FleetProvisioningRegisterTest.REGISTER;
import static io.cms.local.provisioning.FleetProvisioningRegisterTest.VIN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.local.LocalDynamoFixture;
import io.cms.local.LogCapture;
import io.cms.local.broker.InboundMessage;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.CertificateStatus;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.VehicleRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet provisioning with the Provisioning domain as CMS Local wires it: what a registration whose
 * post-provisioning failed leaves once its retry never comes, and a revocation landing in the middle
 * of a registration.
 */
class FleetProvisioningReconcileTest {

    @RegisterExtension
    static final LocalDynamoFixture LOCAL = new LocalDynamoFixture();

    @TempDir
    Path dir;
    private LocalIotRegistry registry;
    private ProvisioningStore store;
    private final AtomicInteger iotFailures = new AtomicInteger();
    /** Runs once right after post-provisioning returned, before fleet provisioning attaches and activates. */
    private final AtomicReference<Runnable> afterPostProvisioning = new AtomicReference<>();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> replyTopics = new LinkedBlockingQueue<>();
    private FleetProvisioning fleet;
    private String claimId;

    private record Created(String certificateId, String token) {
    }

    @BeforeEach
    void start() {
        LocalTables tables = LOCAL.freshTables("reconcile");
        store = new ProvisioningStore(LOCAL.dynamo().client(), tables.authorizedVehicles(), tables.provisionedVehicles(),
                Clock.systemUTC());
        registry = LocalIotRegistry.open(dir);
        fleet = fleet();
        claimId = fleet.issueClaimCertificate().certificateId();
        store.authorize(VIN, "Honda", "Accord", "2003");
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** Fleet provisioning over {@link #registry} with the domain as CMS Local wires it, tokens starting afresh. */
    private FleetProvisioning fleet() {
        Provisioning domain = DomainProvisioningHooks.cmsLocalDomain(store,
                FleetProvisioningRegisterTest.failingStatusUpdates(new LocalIotControlPlane(registry), iotFailures),
                "cms-template");
        DomainProvisioningHooks hooks = new DomainProvisioningHooks(domain);
        ProvisioningHooks interleaved = new ProvisioningHooks() {
            @Override
            public Decision preProvision(String claim, String cert, String pem, String client, Map<String, String> params) {
                return hooks.preProvision(claim, cert, pem, client, params);
            }

            @Override
            public PostOutcome postProvision(String thingName, String certificateId) {
                PostOutcome outcome = hooks.postProvision(thingName, certificateId);
                Runnable then = afterPostProvisioning.getAndSet(null);
                if (then != null) {
                    then.run();
                }
                return outcome;
            }

            @Override
            public boolean stillActive(String thingName, String certificateId) {
                return hooks.stillActive(thingName, certificateId);
            }

            @Override
            public void reconcile(String thingName) {
                hooks.reconcile(thingName);
            }

            @Override
            public void reconcileAll(List<LocalIotRegistry.Certificate> active) {
                hooks.reconcileAll(active);
            }
        };
        FleetProvisioning f = new FleetProvisioning(LOCAL.ca(), registry, interleaved, "cms-template", Duration.ofDays(1), clock);
        f.replyThrough((clientId, topic, payload) -> {
            replyTopics.add(topic);
            replies.add(Json.parse(new String(payload, StandardCharsets.UTF_8)));
            return CompletableFuture.completedFuture(null);
        });
        return f;
    }

    /**
     * The VIN is re-authorized and registers a second certificate; post-provisioning records its
     * activation (the first one retired in the table) and then fails retiring the first one in IoT.
     */
    private Created[] activationRecordedThenRetirementFailed() throws Exception {
        Created first = create();
        assertThat(register(first)).isEqualTo(REGISTER + "/accepted");
        store.authorize(VIN, "Honda", "Accord", "2003");
        Created second = create();
        iotFailures.set(1);
        assertThat(register(second)).isEqualTo(REGISTER + "/rejected");
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(second.certificateId());
        assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.INACTIVE);
        assertThat(registry.activePrincipal(first.certificateId())).isPresent();
        return new Created[] {first, second};
    }

    @Test
    void afterARestartTheRetiredCertificateIsRetiredInTheRegistryAndTheVinIsReported() throws Exception {
        Created[] certs = activationRecordedThenRetirementFailed();
        registry.close();
        registry = LocalIotRegistry.open(dir);
        fleet = fleet();

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            fleet.cleanUpAtStart();

            assertRetiredAndReported(certs, log);
        }
    }

    @Test
    void whenTheTokenExpiresTheRetiredCertificateIsRetiredInTheRegistryAndTheVinIsReported() throws Exception {
        Created[] certs = activationRecordedThenRetirementFailed();
        clock.advance(FleetProvisioning.TOKEN_LIFETIME.plusSeconds(1));

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            create();

            assertRetiredAndReported(certs, log);
        }
    }

    private void assertRetiredAndReported(Created[] certs, LogCapture log) {
        assertThat(registry.certificate(certs[0].certificateId())).as("the certificate the domain retired").isEmpty();
        assertThat(registry.certificate(certs[1].certificateId())).as("the one whose registration never completed").isEmpty();
        assertThat(registry.certificatesOf(VIN)).isEmpty();
        assertThat(store.certificate(VIN, certs[0].certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(log.messages(Level.WARN)).anySatisfy(m -> assertThat(m).contains(VIN)
                .contains(certs[1].certificateId()).contains("authorize it again"));
    }

    @Test
    void aProvisionedVinIsLeftAloneAtStart() throws Exception {
        Created only = create();
        assertThat(register(only)).isEqualTo(REGISTER + "/accepted");

        try (LogCapture log = LogCapture.of(Provisioning.class)) {
            fleet.cleanUpAtStart();

            assertThat(registry.activePrincipal(only.certificateId())).isPresent();
            assertThat(log.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void aRevocationBetweenPostProvisioningAndTheActivationWithdrawsTheCertificate() throws Exception {
        Created created = create();
        AtomicReference<VehicleRegistry.Revocation> revocation = new AtomicReference<>();
        // `cms registry revoke` lands after post-provisioning recorded the activation: the registry still shows INACTIVE.
        afterPostProvisioning.set(() -> revocation.set(new VehicleRegistry(store, new LocalIotControlPlane(registry))
                .revoke(VIN)));

        String topic = register(created);

        assertThat(revocation.get().previouslyActiveCertificateId()).isEqualTo(created.certificateId());
        assertThat(revocation.get().deactivatedInIot()).isZero();
        assertThat(topic).isEqualTo(REGISTER + "/rejected");
        assertThat(lastReply.path("statusCode").asInt()).isEqualTo(409);
        assertThat(registry.certificate(created.certificateId())).isEmpty();
        assertThat(registry.certificatesOf(VIN)).isEmpty();
    }

    private JsonNode lastReply;

    private Created create() throws Exception {
        assertThat(send("$aws/certificates/create/json", "{}")).endsWith("/accepted");
        return new Created(lastReply.path("certificateId").asText(), lastReply.path("certificateOwnershipToken").asText());
    }

    /** RegisterThing for {@link FleetProvisioningRegisterTest#VIN}; the reply's topic. */
    private String register(Created created) throws Exception {
        return send(REGISTER, "{\"certificateOwnershipToken\":\"" + created.token() + "\",\"parameters\":{\"vin\":\""
                + VIN + "\"}}");
    }

    private String send(String topic, String payload) throws Exception {
        InboundMessage m = new InboundMessage("provision-a", claimId, topic, payload.getBytes(StandardCharsets.UTF_8), 1,
                Instant.now());
        fleet.rules().stream().filter(r -> r.matches(topic)).findFirst().orElseThrow().handler().handle(m)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        String replyTopic = replyTopics.poll(10, TimeUnit.SECONDS);
        assertThat(replyTopic).as("a reply on " + topic).isNotNull();
        lastReply = replies.take();
        return replyTopic;
    }
}
