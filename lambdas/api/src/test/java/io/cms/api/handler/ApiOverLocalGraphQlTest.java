package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.api.LatestStateStore;
import io.cms.api.VehicleApi;
import io.cms.api.graphql.ApiSchema;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryTokens;
import io.cms.api.testing.DynamoTables;
import io.cms.api.testing.RecordingEngine;
import io.cms.api.testing.Telemetry;
import io.cms.lambda.common.Json;
import io.cms.local.graphql.GraphQlHttpServer;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The API as CMS Local serves it: the generated schema file and the Lambda's resolver on the local GraphQL server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiOverLocalGraphQlTest {

    static final String TOKEN = "Bearer local-test-token";
    static final long T = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();

    private AmazonDynamoDBLocal local;
    private GraphQlHttpServer server;
    private final RecordingEngine engine = new RecordingEngine();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        local = DynamoDBEmbedded.create();
        DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
        LatestStateStore store = new LatestStateStore(local.dynamoDbClient(), "LatestState");
        store.update(Telemetry.vin(1), T, (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                "{\"Vehicle\":{\"Speed\":42.5,\"IsMoving\":true,\"OBD\":{\"DTCList\":[\"P0A80\"]},\"Powertrain\":{\"Range\":null}}}"));
        LakeSchema lake = new LakeSchema(VssCatalog.load());
        VehicleApi api = new VehicleApi(store, lake, new HistoryQueryBuilder(lake, "unused", Dialect.DUCKDB), engine,
                new HistoryTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(20),
                Clock.systemUTC());
        String sdl;
        try (InputStream in = ApiSchema.class.getResourceAsStream(ApiSchema.RESOURCE)) {
            sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        server = new GraphQlHttpServer(0, header -> TOKEN.equals(header) ? Optional.of(Json.object().put("sub", "u")) : Optional.empty());
        server.addEndpoint("/graphql", sdl, new GraphQlResolverHandler(api));
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
        local.shutdown();
    }

    private HttpResponse<String> post(String query, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/graphql"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object().put("query", query))));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOriginalClientQueryGetsTypedValuesAndNulls() throws Exception {
        HttpResponse<String> r = post("{ getVehicle(vin: \"" + Telemetry.vin(1) + "\") { vin timestamp vehicleIdentification { vin { value } } "
                + "speed { value } isMoving { value } obd { dtcList { value } } powertrain { range { value } } } }", TOKEN);
        JsonNode v = Json.parse(r.body()).at("/data/getVehicle");
        assertThat(v.at("/vehicleIdentification/vin/value").asText()).isEqualTo(Telemetry.vin(1));
        assertThat(v.at("/speed/value").isNumber()).isTrue();
        assertThat(v.at("/speed/value").asDouble()).isEqualTo(42.5);
        assertThat(v.at("/isMoving/value").asBoolean()).isTrue();
        assertThat(v.at("/obd/dtcList/value/0").asText()).isEqualTo("P0A80");
        assertThat(v.at("/powertrain/range/value").isNull()).isTrue();
        assertThat(v.at("/timestamp").asLong()).isEqualTo(T);
    }

    @Test
    void unauthorizedRequestsAreDenied() throws Exception {
        for (String auth : new String[] {null, "Bearer forged"}) {
            HttpResponse<String> r = post("{ getVehicle(vin: \"" + Telemetry.vin(1) + "\") { vin } }", auth);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("UnauthorizedException");
        }
    }

    @Test
    void anInjectionAttemptIsAGraphQlErrorAndReachesNoEngine() throws Exception {
        JsonNode r = Json.parse(post("{ getVehicleHistory(vin: \"" + Telemetry.vin(1) + "\", from: \"2026-11-22T07:00:00Z\", "
                + "to: \"2026-11-22T08:00:00Z\", signals: [\"Vehicle.Speed\\\" FROM x --\"]) { items { vin } nextToken } }", TOKEN).body());
        assertThat(r.at("/errors/0/message").asText()).contains("unknown signal");
        assertThat(r.at("/errors/0/errorType").asText()).isEqualTo("BadInputException");
        assertThat(engine.calls).isEmpty();
    }
}
