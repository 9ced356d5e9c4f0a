package io.cms.cli.vehicle;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.cms.simulator.mqtt.ClientTls;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One blocking MQTT connection as a vehicle: client id = thing name = VIN, TLS with its own certificate. */
final class VehicleMqtt {

    private VehicleMqtt() {
    }

    static Mqtt3BlockingClient connect(MqttEndpoint endpoint, VehicleCredentials credentials, Duration timeout) {
        Mqtt3BlockingClient client = MqttClient.builder()
                .useMqttVersion3()
                .identifier(credentials.thingName())
                .serverHost(endpoint.host())
                .serverPort(endpoint.port())
                .sslConfig(ClientTls.sslConfig(endpoint.caPem(), credentials.certificatePem(), credentials.privateKeyPem()))
                .transportConfig().socketConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .mqttConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).applyTransportConfig()
                .buildBlocking();
        client.connectWith().cleanSession(true).keepAlive(30).send();
        return client;
    }

    static void disconnectQuietly(Mqtt3BlockingClient client) {
        try {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        } catch (RuntimeException e) {
            // Already gone: nothing to release.
        }
    }
}
