package io.cms.lambda.common.customresource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CustomResourceHandlerTest {

    /** Records the answers instead of sending them. */
    static final class Recorder implements CustomResourceResponder {
        final List<JsonNode> sent = new ArrayList<>();

        @Override
        public void send(String responseUrl, String body) {
            sent.add(Json.parse(body));
        }
    }

    static final class Echo extends CustomResourceHandler {
        Echo(CustomResourceResponder responder) {
            super(responder);
        }

        @Override
        protected CustomResourceResult onCreate(CustomResourceRequest request) {
            return new CustomResourceResult("phys-" + request.property("Name"), Map.of("Name", request.property("Name")));
        }

        @Override
        protected CustomResourceResult onUpdate(CustomResourceRequest request) {
            throw new IllegalStateException("parameter /x not found");
        }

        @Override
        protected CustomResourceResult onDelete(CustomResourceRequest request) {
            return CustomResourceResult.of(null);
        }
    }

    static ObjectNode event(String type, String url) {
        ObjectNode e = Json.object();
        e.put("RequestType", type);
        e.put("ResponseURL", url);
        e.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1");
        e.put("RequestId", "r-1");
        e.put("ResourceType", "Custom::Echo");
        e.put("LogicalResourceId", "Echo");
        if (!"Create".equals(type)) {
            e.put("PhysicalResourceId", "phys-a");
        }
        e.putObject("ResourceProperties").put("ServiceToken", "arn").put("Name", "a");
        return e;
    }

    @Test
    void reportsSuccessWithDataOnCreate() {
        Recorder recorder = new Recorder();
        new Echo(recorder).handle(event("Create", "http://x"), "stream");
        JsonNode answer = recorder.sent.get(0);
        assertThat(answer.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(answer.get("PhysicalResourceId").asText()).isEqualTo("phys-a");
        assertThat(answer.at("/Data/Name").asText()).isEqualTo("a");
        assertThat(answer.get("RequestId").asText()).isEqualTo("r-1");
    }

    @Test
    void reportsFailedWithTheReasonWhenTheDomainThrows() {
        Recorder recorder = new Recorder();
        new Echo(recorder).handle(event("Update", "http://x"), "stream-7");
        JsonNode answer = recorder.sent.get(0);
        assertThat(answer.get("Status").asText()).isEqualTo("FAILED");
        assertThat(answer.get("Reason").asText()).contains("parameter /x not found").contains("stream-7");
        assertThat(answer.get("PhysicalResourceId").asText()).isEqualTo("phys-a");
    }

    @Test
    void keepsThePhysicalIdOnDelete() {
        Recorder recorder = new Recorder();
        new Echo(recorder).handle(event("Delete", "http://x"), null);
        assertThat(recorder.sent.get(0).get("PhysicalResourceId").asText()).isEqualTo("phys-a");
    }

    @Test
    void rejectsAnEventWithoutResponseUrl() {
        ObjectNode e = event("Create", "http://x");
        e.remove("ResponseURL");
        assertThatThrownBy(() -> new Echo(new Recorder()).handle(e, null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("ResponseURL");
    }

    @Test
    void rejectsAnUnknownRequestType() {
        assertThatThrownBy(() -> new Echo(new Recorder()).handle(event("Replace", "http://x"), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("Replace");
    }

    @Test
    void httpResponderPutsTheAnswerWithAnEmptyContentType() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/presigned", exchange -> {
            contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " " + exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/presigned?sig=1";
            new Echo(CustomResourceResponder.http()).handle(event("Create", url), null);
            assertThat(bodies).hasSize(1);
            assertThat(bodies.get(0)).contains("\"Status\":\"SUCCESS\"").endsWith(" PUT");
            assertThat(contentTypes.get(0)).isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpResponderFailsLoudlyWhenTheUrlRejectsTheAnswer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(403, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/expired";
            assertThatThrownBy(() -> new Echo(CustomResourceResponder.http()).handle(event("Create", url), null))
                    .hasMessageContaining("could not deliver");
        } finally {
            server.stop(0);
        }
    }
}
