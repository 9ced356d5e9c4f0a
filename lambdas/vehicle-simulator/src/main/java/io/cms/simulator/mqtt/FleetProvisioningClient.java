package io.cms.simulator.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The device side of AWS IoT fleet provisioning by claim: connect with the claim certificate,
 * ask for a key and certificate ({@code $aws/certificates/create/json}), then register the thing
 * with the template ({@code $aws/provisioning-templates/{template}/provision/json}). Works the same
 * against AWS IoT Core and CMS Local.
 */
public final class FleetProvisioningClient {

    private record Reply(String topic, JsonNode body) {
    }

    private final MqttEndpoint endpoint;
    private final VehicleCredentials claim;
    private final String templateName;
    private final Duration timeout;

    public FleetProvisioningClient(MqttEndpoint endpoint, VehicleCredentials claim, String templateName, Duration timeout) {
        this.endpoint = endpoint;
        this.claim = claim;
        this.templateName = templateName;
        this.timeout = timeout;
    }

    /** Provisions {@code vin}; throws {@link ProvisioningRejectedException} when refused. */
    public VehicleCredentials provision(String vin) {
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        String createTopic = "$aws/certificates/create/json";
        String provisionTopic = "$aws/provisioning-templates/" + templateName + "/provision/json";
        MqttClient client = null;
        try {
            client = new MqttClient(endpoint.uri(), "provision-" + vin + "-" + System.nanoTime(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    replies.add(new Reply("connection-lost", Json.object().put("errorMessage",
                            cause == null ? "connection lost" : String.valueOf(cause.getMessage()))));
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    replies.add(new Reply(topic, Json.parse(new String(message.getPayload(), StandardCharsets.UTF_8))));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // Replies are what matters, not PUBACKs.
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(ClientTls.socketFactory(endpoint.caPem(), claim.certificatePem(), claim.privateKeyPem()));
            options.setCleanSession(true);
            options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
            options.setAutomaticReconnect(false);
            client.connect(options);
            client.subscribe(new String[] {createTopic + "/accepted", createTopic + "/rejected",
                provisionTopic + "/accepted", provisionTopic + "/rejected"}, new int[] {1, 1, 1, 1});

            client.publish(createTopic, "{}".getBytes(StandardCharsets.UTF_8), 1, false);
            Reply created = await(replies, createTopic);
            String certificateId = created.body().path("certificateId").asText();
            String certificatePem = created.body().path("certificatePem").asText();
            String privateKey = created.body().path("privateKey").asText();

            ObjectNode request = Json.object();
            request.put("certificateOwnershipToken", created.body().path("certificateOwnershipToken").asText());
            request.putObject("parameters").put("vin", vin);
            client.publish(provisionTopic, Json.write(request).getBytes(StandardCharsets.UTF_8), 1, false);
            Reply registered = await(replies, provisionTopic);
            return new VehicleCredentials(registered.body().path("thingName").asText(vin), certificateId, certificatePem, privateKey);
        } catch (MqttException e) {
            throw new IllegalStateException("fleet provisioning of " + vin + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning " + vin, e);
        } finally {
            if (client != null) {
                try {
                    if (client.isConnected()) {
                        client.disconnect(1000);
                    }
                    client.close();
                } catch (MqttException ignored) {
                    // The answer is already known; a failed disconnect changes nothing.
                }
            }
        }
    }

    private Reply await(BlockingQueue<Reply> replies, String requestTopic) throws InterruptedException {
        Reply reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
            throw new IllegalStateException("no answer on " + requestTopic + " within " + timeout.toSeconds() + " s");
        }
        if (reply.topic().equals(requestTopic + "/accepted")) {
            return reply;
        }
        if (reply.topic().equals(requestTopic + "/rejected")) {
            JsonNode b = reply.body();
            throw new ProvisioningRejectedException(b.path("statusCode").asInt(400), b.path("errorCode").asText("Rejected"),
                    b.path("errorMessage").asText(""));
        }
        throw new IllegalStateException("fleet provisioning failed: " + reply.body().path("errorMessage").asText(reply.topic()));
    }
}
