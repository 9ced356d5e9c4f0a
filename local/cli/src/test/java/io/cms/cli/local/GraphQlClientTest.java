package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cms.cli.ExitCodes;
import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import io.cms.local.LocalEndpoints;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the CLI's GraphQL client reports a {@code cms-local.json} that lacks an endpoint and an API
 * that does not answer JSON. The APIs are a small HTTP server on loopback; the MQTT and DynamoDB
 * ports the CLI checks first are plain listening sockets.
 */
class GraphQlClientTest {

    private static final String VIN = "5YJ3E1EA7KF317004";

    @TempDir
    Path dir;

    private HttpServer http;
    private ServerSocket mqtt;
    private ServerSocket dynamo;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Answer tokenAnswer = new Answer(200, "application/json", "{\"access_token\":\"t0ken\",\"token_type\":\"Bearer\"}");
    private volatile Answer apiAnswer = new Answer(200, "application/json", "{\"data\":{}}");

    private record Answer(int status, String contentType, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        mqtt = new ServerSocket(0, 50, loopback);
        dynamo = new ServerSocket(0, 50, loopback);
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        http.createContext("/token", e -> answer(e, tokenAnswer));
        http.createContext("/graphql", e -> answer(e, apiAnswer));
        http.createContext("/alerts", e -> answer(e, apiAnswer));
        http.start();
    }

    @AfterEach
    void stop() throws IOException {
        http.stop(0);
        mqtt.close();
        dynamo.close();
    }

    private void answer(HttpExchange e, Answer a) throws IOException {
        calls.incrementAndGet();
        e.getRequestBody().readAllBytes();
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", a.contentType());
        e.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        e.getResponseBody().write(body);
        e.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private void writeEndpoints(LocalEndpoints.Graphql graphql, LocalEndpoints.Oidc oidc) {
        new LocalEndpoints(new LocalEndpoints.Mqtt("127.0.0.1", mqtt.getLocalPort(), "ca.pem"),
                new LocalEndpoints.Claim("claim.pem", "claim.key", "template"),
                new LocalEndpoints.Dynamodb("http://127.0.0.1:" + dynamo.getLocalPort(), "us-east-1", "AuthorizedVehicles",
                        "ProvisionedVehicles"),
                graphql, oidc).write(dir);
    }

    private LocalEndpoints.Oidc oidc() {
        return new LocalEndpoints.Oidc(url("/"), url("/token"), "cms-cli", "secret");
    }

    private LocalEndpoints.Graphql allApis() {
        return new LocalEndpoints.Graphql(url("/graphql"), url("/alerts/publish"), url("/alerts/frontend"));
    }

    @Test
    void theFakeApiAnswersAWellFormedQuery() {
        writeEndpoints(allApis(), oidc());
        apiAnswer = new Answer(200, "application/json", "{\"data\":{\"listVehiclesPage\":{\"items\":[],\"nextToken\":null}}}");

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("0 vehicle(s)");
    }

    @Test
    void aFileWithoutTheAlertsPublishUrlNamesTheMissingEndpointAndTheFile() {
        writeEndpoints(new LocalEndpoints.Graphql(url("/graphql"), null, url("/alerts/frontend")), oidc());

        Run run = Cms.run("alerts", "publish", "--local", dir.toString(), "--vin", VIN, "--message", "coolant low");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("NullPointerException")
                .startsWith("cms: " + dir.resolve(LocalEndpoints.FILE) + " names no graphql.alertsPublishUrl")
                .contains("restart CMS Local");
        assertThat(calls).as("no API was called").hasValue(0);
    }

    @Test
    void aFileWithoutTheAlertsFrontendUrlNamesTheMissingEndpoint() {
        writeEndpoints(new LocalEndpoints.Graphql(url("/graphql"), url("/alerts/publish"), null), oidc());

        Run run = Cms.run("alerts", "list", "--local", dir.toString(), "--vin", VIN);

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(LocalEndpoints.FILE + " names no graphql.alertsFrontendUrl");
    }

    @Test
    void aFileWithoutTheTokenEndpointNamesIt() {
        writeEndpoints(allApis(), new LocalEndpoints.Oidc(url("/"), null, "cms-cli", "secret"));

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(LocalEndpoints.FILE + " names no oidc.tokenEndpoint").doesNotContain("NullPointerException");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aFileWithoutAnyGraphqlSectionNamesIt() {
        writeEndpoints(null, oidc());

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(dir.resolve(LocalEndpoints.FILE) + " names no graphql");
    }

    @Test
    void anApiAnswerThatIsNotJsonIsAServiceFailureNotABadArgument() {
        writeEndpoints(allApis(), oidc());
        apiAnswer = new Answer(502, "text/html", "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>");

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err().strip()).isEqualTo("cms: the API at " + url("/graphql") + " answered HTTP 502 with a body that is not JSON"
                + " (text/html: '<html><body> <h1>502 Bad Gateway</h1> </body></html>')");
    }

    @Test
    void aSuccessfulStatusWithATruncatedBodyIsAServiceFailure() {
        writeEndpoints(allApis(), oidc());
        apiAnswer = new Answer(200, "application/json", "{\"data\":{\"listVehiclesPage\":");

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("answered HTTP 200 with a body that is not JSON");
    }

    @Test
    void aTokenEndpointAnswerThatIsNotJsonIsAServiceFailure() {
        writeEndpoints(allApis(), oidc());
        tokenAnswer = new Answer(200, "text/plain", "");

        Run run = Cms.run("alerts", "list", "--local", dir.toString(), "--vin", VIN);

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err().strip()).isEqualTo("cms: the local OIDC issuer at " + url("/token")
                + " answered HTTP 200 with a body that is not JSON (text/plain: empty)");
    }

    @Test
    void aTokenAnswerWithoutAnAccessTokenIsAServiceFailure() {
        writeEndpoints(allApis(), oidc());
        tokenAnswer = new Answer(200, "application/json", "{\"token_type\":\"Bearer\"}");

        Run run = Cms.run("query", "vehicles", "--local", dir.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("answered without an access_token");
    }
}
