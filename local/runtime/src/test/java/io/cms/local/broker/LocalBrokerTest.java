package io.cms.local.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.simulator.mqtt.ClientTls;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.simulator.pki.Pem;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalBrokerTest {

    static final String VIN = "1HGCM82633A004352";
    static final String OTHER_VIN = "2HGCM82633A004353";

    private Path dir;
    private LocalCa ca;
    private LocalBroker broker;
    private final Map<String, Principal> active = new ConcurrentHashMap<>();
    private final BlockingQueue<InboundMessage> telemetry = new LinkedBlockingQueue<>();
    private IssuedCertificate vehicle;
    private IssuedCertificate claim;
    private IssuedCertificate inactive;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("broker-test");
        ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        vehicle = ca.issueClient(VIN, Duration.ofDays(1));
        claim = ca.issueClient("claim", Duration.ofDays(1));
        inactive = ca.issueClient(OTHER_VIN, Duration.ofDays(1));
        active.put(vehicle.certificateId(), new Principal(vehicle.certificateId(), Principal.Kind.VEHICLE, VIN));
        active.put(claim.certificateId(), new Principal(claim.certificateId(), Principal.Kind.CLAIM, null));
        PrincipalDirectory directory = id -> Optional.ofNullable(active.get(id));
        TopicRule ingest = new TopicRule("ingest", "cms/data/#", m -> {
            telemetry.add(m);
            return CompletableFuture.completedFuture(null);
        }, true);
        broker = LocalBroker.start(dir.resolve("broker"), freePort(), ca, directory, new TopicPolicy("cms-template"), List.of(ingest));
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private MqttClient connect(String clientId, IssuedCertificate cert, LocalCa trusting) throws MqttException {
        MqttClient client = new MqttClient("ssl://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(ClientTls.socketFactory(Pem.certificate(trusting.certificate()), cert.certificatePem(), cert.privateKeyPem()));
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        options.setCleanSession(true);
        client.connect(options);
        return client;
    }

    @Test
    void vehiclePublishesTelemetryOnItsOwnTopicAndTheRuleReceivesIt() throws Exception {
        MqttClient client = connect(VIN, vehicle, ca);
        try {
            client.publish("cms/data/" + VIN + "/telemetry", "{\"speed\":42}".getBytes(StandardCharsets.UTF_8), 1, false);
            InboundMessage m = telemetry.poll(10, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.clientId()).isEqualTo(VIN);
            assertThat(m.topic()).isEqualTo("cms/data/" + VIN + "/telemetry");
            assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"speed\":42}");
            assertThat(m.qos()).isEqualTo(1);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void vehiclePublishingOnAnotherVinsTopicIsRefused() throws Exception {
        telemetry.clear();
        MqttClient client = connect(VIN, vehicle, ca);
        try {
            assertThatThrownBy(() -> {
                client.publish("cms/data/" + OTHER_VIN + "/telemetry", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
                // MQTT 3.1.1 has no negative acknowledgement: the broker drops the client instead.
                client.publish("cms/data/" + VIN + "/telemetry", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            }).isInstanceOf(MqttException.class);
            assertThat(telemetry.poll(1, TimeUnit.SECONDS)).satisfiesAnyOf(
                    m -> assertThat(m).isNull(),
                    m -> assertThat(m.topic()).doesNotContain(OTHER_VIN));
        } finally {
            client.close();
        }
    }

    @Test
    void vehicleMustUseItsThingNameAsClientId() {
        assertThatThrownBy(() -> connect("someone-else", vehicle, ca)).isInstanceOf(MqttException.class);
    }

    @Test
    void inactiveCertificateIsRefused() {
        assertThatThrownBy(() -> connect(OTHER_VIN, inactive, ca)).isInstanceOf(MqttException.class);
    }

    @Test
    void certificateFromAnotherCaIsRefusedDuringTheHandshake() throws Exception {
        LocalCa rogue = LocalCa.loadOrCreate(Files.createTempDirectory("rogue"));
        IssuedCertificate forged = rogue.issueClient(VIN, Duration.ofDays(1));
        active.put(forged.certificateId(), new Principal(forged.certificateId(), Principal.Kind.VEHICLE, VIN));
        assertThatThrownBy(() -> connect(VIN, forged, ca)).isInstanceOf(MqttException.class);
    }

    @Test
    void expiredCertificateIsRefusedEvenWhenItsPrincipalIsActive() throws Exception {
        IssuedCertificate expired = ca.issueClient(VIN, Duration.ofMinutes(-1));
        active.put(expired.certificateId(), new Principal(expired.certificateId(), Principal.Kind.VEHICLE, VIN));
        assertThatThrownBy(() -> connect(VIN, expired, ca)).isInstanceOf(MqttException.class);
    }

    @Test
    void claimCertificateCannotPublishTelemetry() throws Exception {
        telemetry.clear();
        MqttClient client = connect(TopicPolicy.CLAIM_CLIENT_ID_PREFIX + "test", claim, ca);
        try {
            assertThatThrownBy(() -> {
                client.publish("cms/data/" + VIN + "/telemetry", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
                client.publish("cms/data/" + VIN + "/telemetry", "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            }).isInstanceOf(MqttException.class);
            assertThat(telemetry.poll(1, TimeUnit.SECONDS)).isNull();
        } finally {
            client.close();
        }
    }

    @Test
    void claimCertificateCannotTakeOverAVehiclesClientId() throws Exception {
        MqttClient car = connect(VIN, vehicle, ca);
        try {
            // Every vehicle carries the claim certificate: with the VIN as client id it would
            // disconnect the vehicle (session takeover) over and over.
            assertThatThrownBy(() -> connect(VIN, claim, ca)).isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> connect("claim-client", claim, ca)).isInstanceOf(MqttException.class);
            Thread.sleep(200);
            assertThat(car.isConnected()).isTrue();
        } finally {
            if (car.isConnected()) {
                car.disconnect();
            }
            car.close();
        }
    }

    @Test
    void topicFiltersMatchLikeMqtt() {
        assertThat(TopicRule.matches("cms/data/#", "cms/data/VIN/telemetry")).isTrue();
        assertThat(TopicRule.matches("cms/data/#", "cms/data")).isTrue();
        assertThat(TopicRule.matches("cms/data/+/x", "cms/data/VIN/x")).isTrue();
        assertThat(TopicRule.matches("cms/data/+/x", "cms/data/VIN/y")).isFalse();
        assertThat(TopicRule.matches("vehicleactive/+", "vehicleactive/VIN/extra")).isFalse();
    }
}
