package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.mqtt.FleetProvisioningClient;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.ProvisioningRejectedException;
import io.cms.simulator.mqtt.VehicleCredentials;
import io.cms.simulator.pki.Pem;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetProvisioningTest {

    static final String ALLOWED = "1HGCM82633A004352";
    static final String UNKNOWN = "5YJ3E1EA7KF317000";

    private Path dir;
    private LocalCa ca;
    private LocalIotRegistry registry;
    private LocalBroker broker;
    private VehicleCredentials claim;
    private final List<String> postProvisioned = new CopyOnWriteArrayList<>();
    private final BlockingQueue<InboundMessage> telemetry = new LinkedBlockingQueue<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("fleet-provisioning");
        ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        registry = LocalIotRegistry.open(dir.resolve("iot"));
        ProvisioningHooks hooks = new ProvisioningHooks() {
            @Override
            public Decision preProvision(String claimId, String certId, String pem, String clientId, Map<String, String> parameters) {
                return Set.of(ALLOWED).contains(parameters.get("vin")) ? Decision.allow(Map.of())
                        : Decision.refuse("VIN " + parameters.get("vin") + " is not authorized");
            }

            @Override
            public PostOutcome postProvision(String thingName, String certificateId) {
                postProvisioned.add(thingName + "/" + certificateId);
                return PostOutcome.ACTIVATE;
            }
        };
        FleetProvisioning provisioning = new FleetProvisioning(ca, registry, hooks, "cms-template", Duration.ofDays(365));
        IssuedCertificate claimCert = provisioning.issueClaimCertificate();
        claim = new VehicleCredentials("claim", claimCert.certificateId(), claimCert.certificatePem(), claimCert.privateKeyPem());
        List<TopicRule> rules = new ArrayList<>(provisioning.rules());
        rules.add(new TopicRule("ingest", "cms/data/#", m -> {
            telemetry.add(m);
            return CompletableFuture.completedFuture(null);
        }, true));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = LocalBroker.start(dir.resolve("broker"), port, ca, registry, new TopicPolicy("cms-template"), rules);
        provisioning.replyThrough(broker::publishToClient);
    }

    @AfterAll
    void stop() {
        broker.close();
        registry.close();
    }

    private FleetProvisioningClient client(String template) {
        return new FleetProvisioningClient(new MqttEndpoint("127.0.0.1", broker.port(), Pem.certificate(ca.certificate())),
                claim, template, Duration.ofSeconds(15));
    }

    @Test
    void authorizedVehicleProvisionsByClaimAndThenPublishesTelemetry() throws Exception {
        VehicleCredentials vehicle = client("cms-template").provision(ALLOWED);

        assertThat(vehicle.thingName()).isEqualTo(ALLOWED);
        assertThat(registry.certificate(vehicle.certificateId())).get()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
                    assertThat(c.thingName()).isEqualTo(ALLOWED);
                });
        assertThat(postProvisioned).contains(ALLOWED + "/" + vehicle.certificateId());

        MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + broker.port(), ALLOWED, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Pem.certificate(ca.certificate()), vehicle.certificatePem(), vehicle.privateKeyPem()));
        mqtt.connect(options);
        mqtt.publish("cms/data/" + ALLOWED + "/telemetry", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(telemetry.poll(10, TimeUnit.SECONDS)).isNotNull();
        mqtt.disconnect();
        mqtt.close();
    }

    @Test
    void unauthorizedVinIsRejectedAndItsCertificateNeverActivated() {
        assertThatThrownBy(() -> client("cms-template").provision(UNKNOWN))
                .isInstanceOfSatisfying(ProvisioningRejectedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("not authorized");
                });
        assertThat(registry.certificatesOf(UNKNOWN)).isEmpty();
    }

    @Test
    void unknownTemplateIsRejected() {
        assertThatThrownBy(() -> client("other-template").provision(ALLOWED))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void registryKeepsProvisionedVehiclesAcrossARestart() {
        VehicleCredentials vehicle = client("cms-template").provision(ALLOWED);
        try (LocalIotRegistry reopened = LocalIotRegistry.open(dir.resolve("iot"))) {
            assertThat(reopened.activePrincipal(vehicle.certificateId())).get()
                    .satisfies(p -> assertThat(p.thingName()).isEqualTo(ALLOWED));
        }
    }
}
