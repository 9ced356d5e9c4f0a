package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
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
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
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
    /** Replies to the hand-driven claim client. */
    private final BlockingQueue<InboundReply> replies = new LinkedBlockingQueue<>();

    private record InboundReply(String topic, JsonNode body) {
    }

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

            @Override
            public boolean stillActive(String thingName, String certificateId) {
                return postProvisioned.contains(thingName + "/" + certificateId);
            }

            @Override
            public void reconcile(String thingName) {
                throw new AssertionError("post-provisioning never fails here");
            }

            @Override
            public void reconcileAll(List<LocalIotRegistry.Certificate> active) {
                throw new AssertionError("this test does not start CMS Local");
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
        assertPublishesTelemetry(vehicle);
    }

    @Test
    void vehicleProvisionsByCsrKeepingItsKeyAndThenPublishesTelemetry() throws Exception {
        KeyPair key = LocalCa.newKeyPair();
        String csr = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + ALLOWED), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        String provisionTopic = "$aws/provisioning-templates/cms-template/provision/json";
        MqttClient claimClient = connectWithClaim(List.of("$aws/certificates/create-from-csr/json", provisionTopic));
        try {
            JsonNode created = request(claimClient, "$aws/certificates/create-from-csr/json",
                    Json.object().put("certificateSigningRequest", csr));
            assertThat(created.has("privateKey")).as("the key never leaves the vehicle").isFalse();
            ObjectNode register = Json.object().put("certificateOwnershipToken",
                    created.path("certificateOwnershipToken").asText());
            register.putObject("parameters").put("vin", ALLOWED);
            JsonNode registered = request(claimClient, provisionTopic, register);
            assertThat(registered.path("thingName").asText()).isEqualTo(ALLOWED);

            VehicleCredentials vehicle = new VehicleCredentials(ALLOWED, created.path("certificateId").asText(),
                    created.path("certificatePem").asText(), Pem.privateKey(key.getPrivate()));
            assertThat(registry.certificate(vehicle.certificateId())).get()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(LocalIotRegistry.Status.ACTIVE));
            assertPublishesTelemetry(vehicle);
        } finally {
            claimClient.disconnect();
            claimClient.close();
        }
    }

    @Test
    void claimCertificateMaySubscribeOnlyToTheExactReplyTopicsLikeTheAwsClaimPolicy() throws Exception {
        MqttClient mqtt = connectWithClaim(List.of());
        try {
            assertThatThrownBy(() -> mqtt.subscribe("$aws/certificates/create/json/+", 1))
                    .as("a wildcard over the replies").isInstanceOf(MqttException.class);
        } finally {
            if (mqtt.isConnected()) {
                mqtt.disconnect();
            }
            mqtt.close();
        }
    }

    private void assertPublishesTelemetry(VehicleCredentials vehicle) throws Exception {
        MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + broker.port(), vehicle.thingName(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Pem.certificate(ca.certificate()), vehicle.certificatePem(), vehicle.privateKeyPem()));
        mqtt.connect(options);
        telemetry.clear();
        mqtt.publish("cms/data/" + vehicle.thingName() + "/telemetry", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(telemetry.poll(10, TimeUnit.SECONDS)).isNotNull();
        mqtt.disconnect();
        mqtt.close();
    }

    /** A claim client (a second MQTT client implementation) subscribed to the replies of {@code requestTopics}. */
    private MqttClient connectWithClaim(List<String> requestTopics) throws Exception {
        MqttClient mqtt = new MqttClient("ssl://127.0.0.1:" + broker.port(), "provision-" + UUID.randomUUID(),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Pem.certificate(ca.certificate()), claim.certificatePem(), claim.privateKeyPem()));
        mqtt.connect(options);
        replies.clear();
        for (String topic : requestTopics) {
            for (String reply : new String[] {"/accepted", "/rejected"}) {
                mqtt.subscribe(topic + reply, 1, (t, message) ->
                        replies.add(new InboundReply(t, Json.parse(new String(message.getPayload(), StandardCharsets.UTF_8)))));
            }
        }
        return mqtt;
    }

    /** Publishes a request and returns its accepted reply. */
    private JsonNode request(MqttClient mqtt, String topic, ObjectNode body) throws Exception {
        mqtt.publish(topic, Json.write(body).getBytes(StandardCharsets.UTF_8), 1, false);
        InboundReply reply = replies.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("a reply on " + topic).isNotNull();
        assertThat(reply.topic()).as(reply.body().toString()).isEqualTo(topic + "/accepted");
        return reply.body();
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
