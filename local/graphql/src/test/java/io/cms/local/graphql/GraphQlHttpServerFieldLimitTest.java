package io.cms.local.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The limits on the root fields (resolver calls) and on all the fields of one request. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphQlHttpServerFieldLimitTest {

    static final int MAX_FIELDS = 30;

    private GraphQlHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AppSyncRequest> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = new GraphQlHttpServer(0, header -> Optional.of(Json.object()), 256 * 1024, 15,
                GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS, MAX_FIELDS);
        server.addEndpoint("/graphql", GraphQlHttpServerTest.SDL, request -> {
            calls.add(request);
            return Json.parse("{\"vin\":\"V\",\"timestamp\":1,\"speed\":{\"value\":1.5}}");
        });
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        calls.clear();
    }

    private JsonNode query(String query) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/graphql"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", query)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private static String aliases(int n, String selection) {
        return IntStream.range(0, n).mapToObj(i -> "a" + i + ": getVehicle(vin: \"V" + i + "\") " + selection)
                .collect(Collectors.joining(" ", "{ ", " }"));
    }

    @Test
    void manyAliasedRootFieldsAreRefusedBeforeAnyResolverCall() throws Exception {
        JsonNode r = query(aliases(480, "{ vin }"));
        assertThat(r.at("/errors/0/message").asText())
                .contains("more than " + GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS + " root fields");
        assertThat(r.at("/errors/0/errorType").asText()).isEqualTo("ExecutionAborted");
        assertThat(calls).isEmpty();
        JsonNode eleven = query(aliases(GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS + 1, "{ vin }"));
        assertThat(eleven.at("/errors/0/message").asText()).contains("root fields");
        assertThat(calls).isEmpty();
    }

    @Test
    void upToTheLimitOfRootFieldsIsServed() throws Exception {
        JsonNode r = query(aliases(GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS, "{ vin }"));
        assertThat(r.get("errors")).isNull();
        assertThat(r.at("/data/a9/vin").asText()).isEqualTo("V");
        assertThat(calls).hasSize(GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS);
        assertThat(query("{ getVehicle(vin: \"X\") { vin speed { value } } }").get("errors")).isNull();
    }

    @Test
    void tooManyFieldsInAllAreRefusedAlsoThroughFragments() throws Exception {
        // 1 root + 2 + 14 x 2 = 31 fields, spread through a fragment.
        String fields = IntStream.range(0, 14).mapToObj(i -> "s" + i + ": speed { value }").collect(Collectors.joining(" "));
        JsonNode r = query("{ getVehicle(vin: \"X\") { ...F } } fragment F on Vehicle { vin timestamp " + fields + " }");
        assertThat(r.at("/errors/0/message").asText()).contains("more than " + MAX_FIELDS + " fields");
        assertThat(calls).isEmpty();
        String fewer = IntStream.range(0, 13).mapToObj(i -> "s" + i + ": speed { value }").collect(Collectors.joining(" "));
        assertThat(query("{ getVehicle(vin: \"X\") { ...F } } fragment F on Vehicle { vin timestamp " + fewer + " }")
                .get("errors")).isNull();
    }

    @Test
    void inconsistentLimitsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new GraphQlHttpServer(0, header -> Optional.empty(), 1024, 5, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRootFields");
    }
}
