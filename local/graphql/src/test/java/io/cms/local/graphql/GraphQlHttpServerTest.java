package io.cms.local.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The server over loopback HTTP, as a client (and AppSync's behaviour) sees it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphQlHttpServerTest {

    static final String SDL = """
            type Query {
              getVehicle(vin: String!): Vehicle
              listVehicles(limit: Int): [Vehicle]
              fail(kind: String!): Vehicle
            }
            type Mutation {
              rename(vin: String!, name: String!): Boolean
            }
            type Vehicle {
              vin: String!
              timestamp: Float!
              speed: Vehicle_Speed
              obd: Vehicle_OBD
              isMoving: Vehicle_IsMoving
            }
            type Vehicle_Speed { value: Float }
            type Vehicle_IsMoving { value: Boolean }
            type Vehicle_OBD { dtcList: Vehicle_OBD_DTCList }
            type Vehicle_OBD_DTCList { value: [String!] }
            """;
    static final String ALERTS_SDL = "type Query { ping: String }";
    static final String TOKEN = "Bearer good";

    private GraphQlHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AppSyncRequest> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = new GraphQlHttpServer(0, header -> TOKEN.equals(header)
                ? Optional.of(Json.object().put("sub", "user-1").put("scope", "cms/read")) : Optional.empty(), 4096, 5);
        server.addEndpoint("/graphql", SDL, request -> {
            calls.add(request);
            return switch (request.fieldName()) {
                case "getVehicle" -> request.text("vin").equals("NONE") ? null : Json.parse("{\"vin\":\"" + request.text("vin")
                        + "\",\"timestamp\":1764000000000,\"speed\":{\"value\":42.5},\"isMoving\":{\"value\":null},"
                        + "\"obd\":{\"dtcList\":{\"value\":[\"P0A80\"]}}}");
                case "listVehicles" -> Json.parse("[{\"vin\":\"A\",\"timestamp\":1},{\"vin\":\"B\",\"timestamp\":2}]");
                case "fail" -> throw request.text("kind").equals("bad") ? new BadInputException("vin must be 17 characters")
                        : new IllegalStateException("internal error while resolving fail");
                case "rename" -> Json.MAPPER.getNodeFactory().booleanNode(true);
                default -> throw new BadInputException("no field " + request.fieldName());
            };
        });
        server.addEndpoint("/alerts", ALERTS_SDL, request -> Json.MAPPER.getNodeFactory().textNode("pong"));
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

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode query(String query) throws Exception {
        HttpResponse<String> r = post("/graphql", Json.write(Json.object().put("query", query)), TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body());
    }

    @Test
    void aFieldCallsTheResolverWithItsArgumentsAndTheAuthorizersContext() throws Exception {
        JsonNode r = query("{ getVehicle(vin: \"1HGCM82633A004352\") { vin speed { value } } }");
        assertThat(r.at("/data/getVehicle/vin").asText()).isEqualTo("1HGCM82633A004352");
        assertThat(calls).hasSize(1);
        AppSyncRequest call = calls.get(0);
        assertThat(call.parentType()).isEqualTo("Query");
        assertThat(call.text("vin")).isEqualTo("1HGCM82633A004352");
        assertThat(call.resolverContext().get("sub").asText()).isEqualTo("user-1");
    }

    @Test
    void resultsKeepTheirTypesAndNulls() throws Exception {
        JsonNode v = query("{ getVehicle(vin: \"X\") { timestamp speed { value } isMoving { value } obd { dtcList { value } } } }")
                .at("/data/getVehicle");
        assertThat(v.at("/speed/value").isNumber()).isTrue();
        assertThat(v.at("/speed/value").asDouble()).isEqualTo(42.5);
        assertThat(v.at("/timestamp").asLong()).isEqualTo(1764000000000L);
        assertThat(v.at("/isMoving/value").isNull()).isTrue();
        assertThat(v.at("/obd/dtcList/value/0").asText()).isEqualTo("P0A80");
        assertThat(query("{ getVehicle(vin: \"NONE\") { vin } }").at("/data/getVehicle").isNull()).isTrue();
        assertThat(query("{ listVehicles { vin } }").at("/data/listVehicles")).hasSize(2);
    }

    @Test
    void variablesOperationNameAndMutationsWork() throws Exception {
        String body = Json.write(Json.object().put("query", "query A($v: String!) { getVehicle(vin: $v) { vin } } "
                + "mutation B { rename(vin: \"V\", name: \"n\") }").put("operationName", "A").set("variables", Json.object().put("v", "VV")));
        JsonNode r = Json.parse(post("/graphql", body, TOKEN).body());
        assertThat(r.at("/data/getVehicle/vin").asText()).isEqualTo("VV");
        String mutation = Json.write(Json.object().put("query", "mutation { rename(vin: \"V\", name: \"n\") }"));
        assertThat(Json.parse(post("/graphql", mutation, TOKEN).body()).at("/data/rename").asBoolean()).isTrue();
        assertThat(calls.get(calls.size() - 1).parentType()).isEqualTo("Mutation");
    }

    @Test
    void aResolverExceptionIsAGraphQlErrorWithPathAndType() throws Exception {
        JsonNode r = query("{ fail(kind: \"bad\") { vin } }");
        assertThat(r.at("/data/fail").isNull()).isTrue();
        assertThat(r.at("/errors/0/message").asText()).isEqualTo("vin must be 17 characters");
        assertThat(r.at("/errors/0/errorType").asText()).isEqualTo("BadInputException");
        assertThat(r.at("/errors/0/path/0").asText()).isEqualTo("fail");
    }

    @Test
    void requestsWithoutOrWithABadTokenAreDeniedWith401AndNeverResolved() throws Exception {
        String body = Json.write(Json.object().put("query", "{ getVehicle(vin: \"X\") { vin } }"));
        for (String auth : new String[] {null, "Bearer bad", "good", ""}) {
            HttpResponse<String> r = post("/graphql", body, auth);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Json.parse(r.body()).at("/errors/0/errorType").asText()).isEqualTo("UnauthorizedException");
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void malformedRequestsGetClear400s() throws Exception {
        assertThat(post("/graphql", "{not json", TOKEN).statusCode()).isEqualTo(400);
        HttpResponse<String> noQuery = post("/graphql", "{\"variables\":{}}", TOKEN);
        assertThat(noQuery.statusCode()).isEqualTo(400);
        assertThat(noQuery.body()).contains("'query' is required");
        assertThat(post("/graphql", "{\"query\":\"{ listVehicles { vin } }\",\"variables\":[1]}", TOKEN).body())
                .contains("'variables' must be a JSON object");
        assertThat(post("/graphql", "[]", TOKEN).statusCode()).isEqualTo(400);
        assertThat(calls).isEmpty();
    }

    @Test
    void invalidQueriesAreGraphQlErrorsNotResolverCalls() throws Exception {
        assertThat(query("{ getVehicle(vin: ").at("/errors/0/errorType").asText()).isEqualTo("InvalidSyntax");
        assertThat(query("{ getVehicle(vin: \"X\") { nope } }").at("/errors/0/errorType").asText()).isEqualTo("ValidationError");
        assertThat(calls).isEmpty();
    }

    @Test
    void tooDeepQueriesAreRefusedBeforeAnyResolverCall() throws Exception {
        String depthFour = "{ getVehicle(vin: \"X\") { obd { dtcList { value } } } }";
        assertThat(query(depthFour).get("errors")).as("depth 4 is within this server's limit of 5").isNull();
        List<AppSyncRequest> shallowCalls = new CopyOnWriteArrayList<>();
        try (GraphQlHttpServer shallow = new GraphQlHttpServer(0, header -> Optional.of(Json.object()), 4096, 3)) {
            shallow.addEndpoint("/graphql", SDL, request -> {
                shallowCalls.add(request);
                return Json.object();
            });
            shallow.start();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(shallow.uri("/graphql"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", depthFour)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Json.parse(r.body()).at("/errors/0/message").asText()).containsIgnoringCase("depth");
        }
        assertThat(shallowCalls).isEmpty();
    }

    @Test
    void oversizedBodiesAre413AndOtherMethods405() throws Exception {
        HttpResponse<String> big = post("/graphql", "{\"query\":\"" + "x".repeat(10_000) + "\"}", TOKEN);
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.uri("/graphql")).GET().header("Authorization", TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void endpointsAreSeparateAndUnknownPathsAre404() throws Exception {
        assertThat(Json.parse(post("/alerts", "{\"query\":\"{ ping }\"}", TOKEN).body()).at("/data/ping").asText()).isEqualTo("pong");
        assertThat(post("/graphql/extra", "{\"query\":\"{ ping }\"}", TOKEN).statusCode()).isEqualTo(404);
        assertThat(server.uri("/graphql")).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/graphql"));
    }
}
