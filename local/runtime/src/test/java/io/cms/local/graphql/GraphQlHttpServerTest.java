package io.cms.local.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphQlHttpServerTest {

    private static final String SDL = """
            schema { query: Query mutation: Mutation }
            type Item { name: String! size: Int child: Item }
            type Query { item(name: String!): Item }
            type Mutation { rename(name: String!, to: String!): Item }
            """;

    private final AtomicReference<AppSyncRequest> lastCall = new AtomicReference<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private GraphQlHttpServer server;

    @BeforeAll
    void start() {
        server = GraphQlHttpServer.start(0, header -> "Bearer good".equals(header)
                ? Json.object().put("sub", "u1").put("email", "u1@example.com") : null);
        server.addEndpoint("/graphql", SDL, request -> {
            lastCall.set(request);
            String name = request.text("name");
            if (name.equals("bad")) {
                throw new BadInputException("name 'bad' is refused");
            }
            return Json.object().put("name", request.fieldName().equals("rename") ? request.text("to") : name).put("size", 3)
                    .set("child", Json.object().put("name", "inner"));
        });
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url("/graphql")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String query(String query) {
        return Json.write(Json.object().put("query", query));
    }

    @Test
    void queryReachesTheResolverAsAnAppSyncRequestWithTheCallersContext() throws Exception {
        HttpResponse<String> response = post("Bearer good", query("{ item(name: \"a\") { name size child { name } } }"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.at("/data/item/name").asText()).isEqualTo("a");
        assertThat(body.at("/data/item/size").isInt()).isTrue();
        assertThat(body.at("/data/item/child/name").asText()).isEqualTo("inner");
        assertThat(lastCall.get().parentType()).isEqualTo("Query");
        assertThat(lastCall.get().resolverContext().path("email").asText()).isEqualTo("u1@example.com");
    }

    @Test
    void mutationsWithVariablesWork() throws Exception {
        String body = Json.write(Json.object().put("query", "mutation R($n: String!) { rename(name: $n, to: \"b\") { name } }")
                .set("variables", Json.object().put("n", "a")));

        JsonNode response = Json.parse(post("Bearer good", body).body());

        assertThat(response.at("/data/rename/name").asText()).isEqualTo("b");
        assertThat(lastCall.get().parentType()).isEqualTo("Mutation");
    }

    @Test
    void aResolverErrorIsAGraphQlErrorWithItsType() throws Exception {
        JsonNode response = Json.parse(post("Bearer good", query("{ item(name: \"bad\") { name } }")).body());

        assertThat(response.at("/data/item").isNull()).isTrue();
        assertThat(response.at("/errors/0/message").asText()).contains("refused");
        assertThat(response.at("/errors/0/errorType").asText()).isEqualTo("BadRequestException");
    }

    @Test
    void missingOrBadTokenIs401AndNoResolverRuns() throws Exception {
        lastCall.set(null);
        assertThat(post(null, query("{ item(name: \"a\") { name } }")).statusCode()).isEqualTo(401);
        assertThat(post("Bearer forged", query("{ item(name: \"a\") { name } }")).statusCode()).isEqualTo(401);
        assertThat(lastCall.get()).isNull();
    }

    @Test
    void malformedRequestsAre400WithTheReason() throws Exception {
        HttpResponse<String> notJson = post("Bearer good", "{not json");
        HttpResponse<String> noQuery = post("Bearer good", "{\"variables\":{}}");
        HttpResponse<String> badVariables = post("Bearer good", "{\"query\":\"{ item(name: \\\"a\\\") { name } }\",\"variables\":[1]}");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(noQuery.statusCode()).isEqualTo(400);
        assertThat(noQuery.body()).contains("query");
        assertThat(badVariables.statusCode()).isEqualTo(400);
    }

    @Test
    void invalidGraphQlIsAnErrorNotACrash() throws Exception {
        JsonNode response = Json.parse(post("Bearer good", query("{ nope }")).body());

        assertThat(response.path("errors").size()).isPositive();
        assertThat(response.path("errors").get(0).path("errorType").asText()).isNotEmpty();
    }

    @Test
    void tooDeepQueriesAreRefused() throws Exception {
        String deep = "{ item(name: \"a\") { " + "child { ".repeat(15) + "name" + " }".repeat(15) + " } }";

        JsonNode response = Json.parse(post("Bearer good", query(deep)).body());

        assertThat(response.path("errors").toString()).containsIgnoringCase("depth");
    }

    @Test
    void oversizedBodiesAre413AndOtherMethods405() throws Exception {
        String huge = query("{ item(name: \"" + "x".repeat(GraphQlHttpServer.MAX_BODY_BYTES) + "\") { name } }");
        assertThat(post("Bearer good", huge).statusCode()).isEqualTo(413);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.url("/graphql"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void resolverReturningNullGivesNull() throws Exception {
        GraphQlHttpServer other = GraphQlHttpServer.start(0, header -> TextNode.valueOf("x").isTextual() ? Json.object() : null);
        try {
            other.addEndpoint("/graphql", SDL, request -> null);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(other.url("/graphql")))
                    .POST(HttpRequest.BodyPublishers.ofString(query("{ item(name: \"a\") { name } }"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Json.parse(response.body()).at("/data/item").isNull()).isTrue();
        } finally {
            other.close();
        }
    }
}
