package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.local.Ports;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.dynamo.LocalDynamo;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.pki.LocalCa;
import io.cms.provisioning.CertificateStatus;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.iot.IotRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegisterThing through FleetProvisioning's handlers, with hooks that behave like the Provisioning domain. */
class FleetProvisioningRegisterTest {

    static final String VIN = "1HGCM82633A004352";
    static final String UNKNOWN = "5YJ3E1EA7KF317000";
    static final String REGISTER = "$aws/provisioning-templates/cms-template/provision/json";

    @TempDir
    static Path caDir;
    static LocalCa ca;

    @TempDir
    Path dir;
    private LocalIotRegistry registry;
    private FleetProvisioning provisioning;
    private DomainLikeHooks hooks;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final Map<String, BlockingQueue<Reply>> replies = new HashMap<>();
    private String claimId;

    record Reply(String topic, JsonNode body) {
    }

    record Created(String certificateId, String token) {
    }

    @BeforeAll
    static void createCa() {
        ca = LocalCa.loadOrCreate(caDir);
    }

    @BeforeEach
    void start() {
        registry = LocalIotRegistry.open(dir);
        hooks = new DomainLikeHooks(registry);
        provisioning = fleet(hooks);
        claimId = provisioning.issueClaimCertificate().certificateId();
    }

    private FleetProvisioning fleet(ProvisioningHooks with) {
        FleetProvisioning fleet = new FleetProvisioning(ca, registry, with, "cms-template", Duration.ofDays(1), clock);
        fleet.replyThrough((clientId, topic, payload) -> {
            queue(clientId).add(new Reply(topic, Json.parse(new String(payload, StandardCharsets.UTF_8))));
            return CompletableFuture.completedFuture(null);
        });
        return fleet;
    }

    /** CMS Local stopped and started again: the registry is replayed from its journal, the tokens are gone. */
    private void restart() {
        registry.close();
        registry = LocalIotRegistry.open(dir);
        hooks = new DomainLikeHooks(registry);
        provisioning = fleet(hooks);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aFailingPostProvisioningRejectsWithAGeneric500AndTheCertificateNeverBecomesUsable() throws Exception {
        hooks.postFailures.set(1);
        Created first = create("provision-a");

        Reply failed = registerVin(first);

        assertRejected(failed, 500, "InternalFailure");
        assertThat(failed.body().path("errorMessage").asText()).doesNotContain("database");
        assertThat(registry.activePrincipal(first.certificateId())).isEmpty();
        assertThat(registry.certificatesOf(VIN)).isEmpty();

        Created second = create("provision-a");
        Reply accepted = registerVin(second);
        assertThat(accepted.topic()).isEqualTo(REGISTER + "/accepted");
        assertThat(registry.activePrincipal(second.certificateId())).get()
                .satisfies(p -> assertThat(p.thingName()).isEqualTo(VIN));
    }

    @Test
    void aRefusalByPostProvisioningIsAConflictAndTheCertificateIsDeleted() throws Exception {
        Created winner = create("provision-a");
        Created loser = create("provision-b");
        assertThat(registerVin(winner).topic()).endsWith("/accepted");

        // Pre-provisioning allowed the loser before the winner used the authorization up.
        hooks.preAllowAnyway = true;
        Reply refused = register("provision-b", loser.token(), "{\"vin\":\"" + VIN + "\"}");

        assertRejected(refused, 409, "ConflictingResourceUpdate");
        assertThat(registry.certificate(loser.certificateId())).isEmpty();
        assertThat(registry.activePrincipal(winner.certificateId())).isPresent();
    }

    @Test
    void parallelRegistrationsOfOneVinAcceptExactlyOneAndAnswerEveryOther() throws Exception {
        int n = 8;
        List<Created> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            created.add(create("provision-" + i));
        }
        hooks.preAllowAnyway = true;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                InboundMessage m = message("provision-" + i, REGISTER, registerBody(created.get(i).token(), "{\"vin\":\"" + VIN + "\"}"));
                pool.submit(() -> {
                    go.await();
                    return handler(REGISTER).handle(m).toCompletableFuture().join();
                });
            }
            go.countDown();
            List<Reply> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(next("provision-" + i));
            }
            assertThat(answers).filteredOn(r -> r.topic().endsWith("/accepted")).hasSize(1);
            assertThat(answers).filteredOn(r -> r.topic().endsWith("/rejected"))
                    .hasSize(n - 1)
                    .allSatisfy(r -> assertThat(r.body().path("statusCode").asInt()).isEqualTo(409));
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.certificatesOf(VIN)).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(LocalIotRegistry.Status.ACTIVE));
        assertThat(created).filteredOn(c -> registry.certificate(c.certificateId()).isPresent()).hasSize(1);
    }

    @Test
    void theCertificateOfARefusedVinIsDeleted() throws Exception {
        Created created = create("provision-a");

        assertRejected(register("provision-a", created.token(), "{\"vin\":\"" + UNKNOWN + "\"}"), 403, "AccessDenied");

        assertThat(registry.certificate(created.certificateId())).isEmpty();
    }

    @Test
    void certificatesOfExpiredTokensAreDeletedWhenTokensArePurged() throws Exception {
        Created abandoned = create("provision-a");
        clock.advance(FleetProvisioning.TOKEN_LIFETIME.plusSeconds(1));

        Created fresh = create("provision-b");

        assertThat(registry.certificate(abandoned.certificateId())).isEmpty();
        assertThat(registry.certificate(fresh.certificateId())).isPresent();
        assertRejected(registerVin(abandoned), 400, "InvalidCertificateOwnershipToken");
    }

    @Test
    void afterARestartTheCertificatesOfLostTokensAreDeletedAndNoOtherInactiveOne() throws Exception {
        Created provisioned = create("provision-a");
        assertThat(registerVin(provisioned).topic()).endsWith("/accepted");
        Created lost = create("provision-b");
        // A revoked vehicle's certificate (`cms registry revoke`) stays attached to its thing; a REVOKED one is final.
        String revoked = create("provision-c").certificateId();
        registry.attach(UNKNOWN, Map.of("vin", UNKNOWN), revoked);
        String revokedForGood = create("provision-d").certificateId();
        registry.setStatus(revokedForGood, LocalIotRegistry.Status.REVOKED);

        restart();

        assertThat(provisioning.deleteUnregisterableCertificates()).isEqualTo(1);
        assertThat(registry.certificate(lost.certificateId())).isEmpty();
        assertThat(registry.certificate(provisioned.certificateId())).get()
                .satisfies(c -> assertThat(c.status()).isEqualTo(LocalIotRegistry.Status.ACTIVE));
        assertThat(registry.certificate(revoked)).get().satisfies(c -> assertThat(c.thingName()).isEqualTo(UNKNOWN));
        assertThat(registry.certificate(revokedForGood)).get()
                .satisfies(c -> assertThat(c.status()).isEqualTo(LocalIotRegistry.Status.REVOKED));
        assertThat(registry.activePrincipal(claimId)).isPresent();
        assertRejected(registerVin(lost), 400, "InvalidCertificateOwnershipToken");
    }

    @Test
    void theCertificatesOfExpiredTokensAreDeletedAndThoseOfLiveOnesKept() throws Exception {
        Created expiring = create("provision-a");
        clock.advance(FleetProvisioning.TOKEN_LIFETIME.minusMinutes(1));
        Created live = create("provision-b");
        clock.advance(Duration.ofMinutes(2));

        assertThat(provisioning.deleteUnregisterableCertificates()).isEqualTo(1);

        assertThat(registry.certificate(expiring.certificateId())).isEmpty();
        assertThat(registry.certificate(live.certificateId())).isPresent();
        assertThat(registerVin(live).topic()).endsWith("/accepted");
    }

    @Test
    void aRegistrationRetriedAfterPostProvisioningFailedPastTheActivationCompletesWithTheSameToken(@TempDir Path dynamoDir)
            throws Exception {
        try (LocalDynamo dynamo = LocalDynamo.start(dynamoDir, Ports.free())) {
            LocalTables tables = LocalTables.named("retry");
            tables.ensure(dynamo);
            ProvisioningStore store = new ProvisioningStore(dynamo.client(), tables.authorizedVehicles(),
                    tables.provisionedVehicles(), Clock.systemUTC());
            AtomicInteger iotFailures = new AtomicInteger();
            provisioning = fleet(new DomainProvisioningHooks(DomainProvisioningHooks.cmsLocalDomain(store,
                    failingStatusUpdates(new LocalIotControlPlane(registry), iotFailures), "cms-template")));
            store.authorize(VIN, "Honda", "Accord", "2003");
            Created first = create("provision-a");
            assertThat(registerVin(first).topic()).endsWith("/accepted");
            // The vehicle is re-authorized and provisions anew; retiring its first certificate fails once.
            store.authorize(VIN, "Honda", "Accord", "2003");
            Created second = create("provision-a");
            iotFailures.set(1);

            assertRejected(registerVin(second), 500, "InternalFailure");
            assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).as("the activation was recorded")
                    .isEqualTo(second.certificateId());
            assertThat(registry.activePrincipal(second.certificateId())).isEmpty();

            Reply retried = registerVin(second);

            assertThat(retried.topic()).isEqualTo(REGISTER + "/accepted");
            assertThat(registry.activePrincipal(second.certificateId())).get()
                    .satisfies(p -> assertThat(p.thingName()).isEqualTo(VIN));
            assertThat(registry.certificatesOf(VIN)).extracting(LocalIotRegistry.Certificate::certificateId)
                    .containsExactly(second.certificateId());
            assertThat(registry.certificate(first.certificateId())).isEmpty();
            assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
            assertThat(store.certificate(VIN, second.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        }
    }

    /** The control plane, with certificate status updates that fail while {@code failures} is positive. */
    static IotRegistry failingStatusUpdates(IotRegistry plane, AtomicInteger failures) {
        return (IotRegistry) Proxy.newProxyInstance(IotRegistry.class.getClassLoader(), new Class<?>[] {IotRegistry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("updateCertificateStatus") && failures.getAndDecrement() > 0) {
                        throw new IllegalStateException("IoT throttled UpdateCertificate");
                    }
                    try {
                        return method.invoke(plane, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aRequestWithoutParametersLeavesTheTokenUsable() throws Exception {
        Created created = create("provision-a");

        Reply invalid = next("provision-a", message("provision-a", REGISTER,
                "{\"certificateOwnershipToken\":\"" + created.token() + "\"}"));
        assertRejected(invalid, 400, "InvalidPayload");

        assertThat(registerVin(created).topic()).endsWith("/accepted");
    }

    @Test
    void aServerFailureBeforeRegistrationLeavesTheTokenUsable() throws Exception {
        hooks.preFailures.set(1);
        Created created = create("provision-a");

        Reply failed = registerVin(created);
        assertRejected(failed, 500, "InternalFailure");
        assertThat(failed.body().path("errorMessage").asText()).doesNotContain("database");

        assertThat(registerVin(created).topic()).endsWith("/accepted");
    }

    @Test
    void aNonStringParameterIsRejectedAsSuchAndTheTokenStaysUsable() throws Exception {
        Created created = create("provision-a");

        Reply invalid = register("provision-a", created.token(), "{\"vin\":[\"" + VIN + "\"]}");
        assertRejected(invalid, 400, "InvalidPayload");
        assertThat(invalid.body().path("errorMessage").asText()).contains("'vin'").contains("must be a string");

        assertThat(registerVin(created).topic()).endsWith("/accepted");
    }

    private static void assertRejected(Reply reply, int status, String code) {
        assertThat(reply.topic()).isEqualTo(REGISTER + "/rejected");
        assertThat(reply.body().path("statusCode").asInt()).isEqualTo(status);
        assertThat(reply.body().path("errorCode").asText()).isEqualTo(code);
    }

    private Created create(String clientId) throws Exception {
        Reply reply = next(clientId, message(clientId, "$aws/certificates/create/json", "{}"));
        assertThat(reply.topic()).endsWith("/accepted");
        return new Created(reply.body().path("certificateId").asText(), reply.body().path("certificateOwnershipToken").asText());
    }

    /** RegisterThing for {@link #VIN} by the claim client {@code provision-a} with the token {@code created} got. */
    private Reply registerVin(Created created) throws Exception {
        return register("provision-a", created.token(), "{\"vin\":\"" + VIN + "\"}");
    }

    private Reply register(String clientId, String token, String parameters) throws Exception {
        return next(clientId, message(clientId, REGISTER, registerBody(token, parameters)));
    }

    private static String registerBody(String token, String parameters) {
        return "{\"certificateOwnershipToken\":\"" + token + "\",\"parameters\":" + parameters + "}";
    }

    private Reply next(String clientId, InboundMessage m) throws Exception {
        handler(m.topic()).handle(m).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return next(clientId);
    }

    private Reply next(String clientId) throws InterruptedException {
        Reply reply = queue(clientId).poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("a reply to " + clientId).isNotNull();
        return reply;
    }

    private synchronized BlockingQueue<Reply> queue(String clientId) {
        return replies.computeIfAbsent(clientId, k -> new LinkedBlockingQueue<>());
    }

    private TopicRule.Handler handler(String topic) {
        return provisioning.rules().stream().filter(r -> r.matches(topic)).findFirst().orElseThrow().handler();
    }

    private InboundMessage message(String clientId, String topic, String payload) {
        return new InboundMessage(clientId, claimId, topic, payload.getBytes(StandardCharsets.UTF_8), 1, Instant.now());
    }

    /**
     * Hooks with the domain's rules: a VIN's authorization allows one activation; post-provisioning
     * of any other certificate retires it in the registry (as the domain does through IoT) and says so.
     */
    static final class DomainLikeHooks implements ProvisioningHooks {
        private final LocalIotRegistry registry;
        private final Set<String> authorized = new HashSet<>(Set.of(VIN));
        private final Map<String, String> active = new HashMap<>();
        final AtomicInteger preFailures = new AtomicInteger();
        final AtomicInteger postFailures = new AtomicInteger();
        volatile boolean preAllowAnyway;

        DomainLikeHooks(LocalIotRegistry registry) {
            this.registry = registry;
        }

        @Override
        public synchronized Decision preProvision(String claimId, String certId, String pem, String clientId,
                                                  Map<String, String> parameters) {
            if (preFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("database connection to 10.0.0.7 lost");
            }
            String vin = parameters.get("vin");
            boolean allowed = authorized.contains(vin) || (preAllowAnyway && VIN.equals(vin));
            return allowed ? Decision.allow(Map.of()) : Decision.refuse("VIN " + vin + " is not authorized");
        }

        @Override
        public synchronized PostOutcome postProvision(String thingName, String certificateId) {
            if (postFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("database connection to 10.0.0.7 lost");
            }
            if (certificateId.equals(active.get(thingName))) {
                return PostOutcome.ACTIVATE;
            }
            if (authorized.remove(thingName)) {
                active.put(thingName, certificateId);
                return PostOutcome.ACTIVATE;
            }
            registry.certificate(certificateId).ifPresent(c -> registry.delete(certificateId));
            return PostOutcome.NOT_ALLOWED;
        }

        @Override
        public synchronized boolean stillActive(String thingName, String certificateId) {
            return certificateId.equals(active.get(thingName));
        }

        @Override
        public void reconcile(String thingName) {
            throw new AssertionError("these hooks never record an activation whose post-provisioning failed");
        }

        @Override
        public void reconcileAll(List<LocalIotRegistry.Certificate> active) {
            throw new AssertionError("these tests do not start CMS Local");
        }
    }
}
