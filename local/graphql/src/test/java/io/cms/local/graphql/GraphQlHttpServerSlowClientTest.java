package io.cms.local.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.lambda.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Slow clients (slow-loris) over raw loopback sockets. The module's tests run with
 * {@code sun.net.httpserver.maxReqTime=1} (see the pom), so a request has one second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphQlHttpServerSlowClientTest {

    /** Far more than the one-second request time, far less than "forever". */
    static final int CLIENT_WAIT_MILLIS = 8_000;

    private GraphQlHttpServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = new GraphQlHttpServer(0, header -> GraphQlHttpServerTest.TOKEN.equals(header)
                ? Optional.of(Json.object()) : Optional.empty());
        server.addEndpoint("/graphql", GraphQlHttpServerTest.ALERTS_SDL, request -> Json.MAPPER.getNodeFactory().textNode("pong"));
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /** Sends the headers and the first 2 of {@code length} body bytes, and no more. */
    private Socket slowPost(String authorization, long length) throws IOException {
        return slowPost(authorization, Long.toString(length));
    }

    /** As {@link #slowPost(String, long)}, with {@code contentLength} sent as the Content-Length header. */
    private Socket slowPost(String authorization, String contentLength) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        sockets.add(s);
        s.setSoTimeout(CLIENT_WAIT_MILLIS);
        String headers = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n" + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n{\"";
        s.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String statusLine(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void anUnauthenticatedSlowBodyIsAnswered401WithoutWaitingForIt() throws Exception {
        assertThat(statusLine(slowPost(null, 100))).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(statusLine(slowPost("Bearer bad", 100))).isEqualTo("HTTP/1.1 401 Unauthorized");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsAnswered413WithoutReadingIt() throws Exception {
        assertThat(statusLine(slowPost(GraphQlHttpServerTest.TOKEN, 10_000_000))).startsWith("HTTP/1.1 413");
    }

    @Test
    void aMalformedContentLengthIsAnswered400ByTheJdkServer() throws Exception {
        assertThat(statusLine(slowPost(GraphQlHttpServerTest.TOKEN, "12x"))).startsWith("HTTP/1.1 400");
    }

    @Test
    void aSlowAuthenticatedBodyTimesOutAndFreesItsWorker() throws Exception {
        // More slow clients than the server has workers.
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            slow.add(slowPost(GraphQlHttpServerTest.TOKEN, 100));
        }
        for (Socket s : slow) {
            long start = System.nanoTime();
            try {
                assertThat(s.getInputStream().read()).as("the server closes the connection").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a slow request still holds its connection after " + CLIENT_WAIT_MILLIS + " ms", e);
            } catch (IOException reset) {
                // closed by the server: also fine
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(CLIENT_WAIT_MILLIS));
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/graphql"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", GraphQlHttpServerTest.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ ping }\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parse(r.body()).at("/data/ping").asText()).isEqualTo("pong");
    }

    @Test
    void defaultTimeoutsAreSetOnlyWhenTheUserSetNone() {
        String req = System.getProperty(GraphQlHttpServer.MAX_REQUEST_TIME_PROPERTY);
        String rsp = System.getProperty(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY);
        try {
            System.clearProperty(GraphQlHttpServer.MAX_REQUEST_TIME_PROPERTY);
            System.setProperty(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY, "99");
            GraphQlHttpServer.useDefaultTimeouts();
            assertThat(System.getProperty(GraphQlHttpServer.MAX_REQUEST_TIME_PROPERTY)).isEqualTo("10");
            assertThat(System.getProperty(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY)).isEqualTo("99");
            System.clearProperty(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY);
            GraphQlHttpServer.useDefaultTimeouts();
            assertThat(System.getProperty(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY)).isEqualTo("30");
        } finally {
            restore(GraphQlHttpServer.MAX_REQUEST_TIME_PROPERTY, req);
            restore(GraphQlHttpServer.MAX_RESPONSE_TIME_PROPERTY, rsp);
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
