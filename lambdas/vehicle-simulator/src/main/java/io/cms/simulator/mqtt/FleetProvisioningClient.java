package io.cms.simulator.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        Mqtt3AsyncClient client = MqttClient.builder()
                .useMqttVersion3()
                .identifier("provision-" + UUID.randomUUID())
                .serverHost(endpoint.host())
                .serverPort(endpoint.port())
                .sslConfig(ClientTls.sslConfig(endpoint.caPem(), claim.certificatePem(), claim.privateKeyPem()))
                .addDisconnectedListener(ctx -> replies.add(new Reply("disconnected",
                        Json.object().put("errorMessage", String.valueOf(ctx.getCause().getMessage())))))
                .buildAsync();
        CompletableFuture<?> connect = null;
        try {
            connect = client.connectWith().cleanSession(true).send();
            await(connect);
            // The exact reply topics: the AWS claim policy allows subscribing to these and nothing wider.
            for (String topic : new String[] {createTopic + "/accepted", createTopic + "/rejected",
                    provisionTopic + "/accepted", provisionTopic + "/rejected"}) {
                await(client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> replies.add(new Reply(p.getTopic().toString(),
                                Json.parse(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))))
                        .send());
            }
            await(client.publishWith().topic(createTopic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{}".getBytes(StandardCharsets.UTF_8)).send());
            Reply created = next(replies, createTopic);

            ObjectNode request = Json.object();
            request.put("certificateOwnershipToken", created.body().path("certificateOwnershipToken").asText());
            request.putObject("parameters").put("vin", vin);
            await(client.publishWith().topic(provisionTopic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Json.write(request).getBytes(StandardCharsets.UTF_8)).send());
            Reply registered = next(replies, provisionTopic);
            return new VehicleCredentials(registered.body().path("thingName").asText(vin),
                    created.body().path("certificateId").asText(),
                    created.body().path("certificatePem").asText(),
                    created.body().path("privateKey").asText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning " + vin, e);
        } finally {
            close(client, connect);
        }
    }

    /**
     * Closes the claim connection, including one whose CONNECT we gave up waiting for: that one is
     * closed once the broker accepts it (a refused or failed connect leaves nothing to close).
     */
    private static void close(Mqtt3AsyncClient client, CompletableFuture<?> connect) {
        if (client.getState().isConnected()) {
            client.disconnect();
        } else if (connect != null) {
            // Also when the connect completed just after the state check: thenRun then runs at once.
            connect.thenRun(client::disconnect);
        }
    }

    private <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fleet provisioning failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("fleet provisioning: no answer within " + timeout.toSeconds() + " s", e);
        }
    }

    private Reply next(BlockingQueue<Reply> replies, String requestTopic) throws InterruptedException {
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
