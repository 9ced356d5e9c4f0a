package io.cms.provisioning.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.JdkSdkHttpClient;
import io.cms.lambda.common.Json;
import io.cms.provisioning.iot.EventConfigurations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;

/**
 * The THING-events custom resource through the real SDK client (on the JDK HTTP client it uses in Lambda)
 * against a loopback stand-in for IoT's {@code /event-configurations} REST resource, which keeps the
 * configuration and merges updates per event type like IoT does.
 */
class EventConfigurationHandlerTest {

    private HttpServer server;
    private final ObjectNode configuration = Json.object();
    private final List<JsonNode> answers = new ArrayList<>();
    private IotClient iot;

    @BeforeEach
    void start() throws IOException {
        configuration.putObject("JOB").put("Enabled", true);
        configuration.putObject("THING").put("Enabled", false);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/event-configurations", exchange -> {
            byte[] reply;
            synchronized (configuration) {
                switch (exchange.getRequestMethod()) {
                    case "PATCH" -> {
                        JsonNode body = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                        body.path("eventConfigurations").fields().forEachRemaining(e -> configuration.set(e.getKey(), e.getValue()));
                        reply = "{}".getBytes(StandardCharsets.UTF_8);
                    }
                    case "GET" -> reply = Json.write(Json.object().set("eventConfigurations", configuration.deepCopy()))
                            .getBytes(StandardCharsets.UTF_8);
                    default -> reply = null;
                }
            }
            if (reply == null) {
                exchange.sendResponseHeaders(405, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
            }
            exchange.close();
        });
        server.start();
        iot = IotClient.builder()
                .httpClient(JdkSdkHttpClient.create())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .build();
    }

    @AfterEach
    void stop() {
        iot.close();
        server.stop(0);
    }

    private ObjectNode event(String type) {
        ObjectNode e = Json.object();
        e.put("RequestType", type);
        e.put("ResponseURL", "https://cloudformation-custom-resource-response.example/x");
        e.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/cms-app--provisioning/1");
        e.put("RequestId", "r1");
        e.put("ResourceType", "Custom::IotThingEvents");
        e.put("LogicalResourceId", "ThingEvents");
        if (!type.equals("Create")) {
            e.put("PhysicalResourceId", "iot-thing-events");
        }
        e.putObject("ResourceProperties");
        return e;
    }

    @Test
    void createEnablesThingEventsAndKeepsTheOthers() {
        EventConfigurationHandler handler = new EventConfigurationHandler((url, body) -> answers.add(Json.parse(body)),
                new EventConfigurations(iot));

        handler.handle(event("Create"), null);

        assertThat(answers).singleElement().satisfies(a -> assertThat(a.get("Status").asText()).isEqualTo("SUCCESS"));
        assertThat(new EventConfigurations(iot).thingEventsEnabled()).isTrue();
        assertThat(configuration.at("/JOB/Enabled").asBoolean()).isTrue();
    }

    @Test
    void deleteLeavesThingEventsOn() {
        EventConfigurationHandler handler = new EventConfigurationHandler((url, body) -> answers.add(Json.parse(body)),
                new EventConfigurations(iot));
        handler.handle(event("Create"), null);

        handler.handle(event("Delete"), null);

        assertThat(answers.get(1).get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(new EventConfigurations(iot).thingEventsEnabled()).isTrue();
    }

    @Test
    void aFailedCallReportsFailedToCloudFormation() {
        server.stop(0);
        EventConfigurationHandler handler = new EventConfigurationHandler((url, body) -> answers.add(Json.parse(body)),
                new EventConfigurations(iot));

        handler.handle(event("Create"), null);

        assertThat(answers).singleElement().satisfies(a -> assertThat(a.get("Status").asText()).isEqualTo("FAILED"));
    }
}
