package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

class JdkSdkHttpClientTest {

    private HttpServer server;
    private final AtomicReference<String> seen = new AtomicReference<>();
    private final JdkSdkHttpClient client = new JdkSdkHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(5));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("X-Amz-Target") + " " + body);
            byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-RequestId", "req-1");
            exchange.sendResponseHeaders(202, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpExecuteResponse call(SdkHttpMethod method, String body) throws IOException {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/event-configurations?x=1"))
                .method(method)
                .putHeader("X-Amz-Target", "Test.Op")
                .putHeader("Host", "127.0.0.1")
                .putHeader("Content-Length", Integer.toString(body.length()))
                .build();
        HttpExecuteRequest.Builder exec = HttpExecuteRequest.builder().request(request);
        if (!body.isEmpty()) {
            exec.contentStreamProvider(() -> new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        return client.prepareRequest(exec.build()).call();
    }

    @Test
    void sendsPatchWithBodyAndHeaders() throws IOException {
        HttpExecuteResponse response = call(SdkHttpMethod.PATCH, "{\"a\":1}");

        assertThat(seen.get()).isEqualTo("PATCH /event-configurations?x=1 Test.Op {\"a\":1}");
        assertThat(response.httpResponse().statusCode()).isEqualTo(202);
        assertThat(response.httpResponse().firstMatchingHeader("x-amzn-RequestId")).hasValue("req-1");
        assertThat(new String(response.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"ok\":true}");
    }

    @Test
    void sendsGetWithoutBody() throws IOException {
        call(SdkHttpMethod.GET, "");

        assertThat(seen.get()).isEqualTo("GET /event-configurations?x=1 Test.Op ");
    }

    @Test
    void reportsAnUnreachableServerAsIoException() {
        server.stop(0);

        assertThatThrownBy(() -> call(SdkHttpMethod.PATCH, "{}")).isInstanceOf(IOException.class);
    }
}
