package io.cms.api.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.api.LatestStateUpdater.Outcome;
import io.cms.api.testing.DynamoTables;
import io.cms.api.testing.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.lambda.common.Json;
import io.cms.vss.VssCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The IoT rule's handler: valid messages move the latest state forward only; bad ones are dropped with a reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateUpdateHandlerTest {

    static final long T = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();

    private AmazonDynamoDBLocal local;
    private LatestStateStore store;
    private LatestStateUpdateHandler handler;

    @BeforeAll
    void start() {
        local = DynamoDBEmbedded.create();
        DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
        store = new LatestStateStore(local.dynamoDbClient(), "LatestState");
        handler = new LatestStateUpdateHandler(new LatestStateUpdater(new TelemetryValidator(VssCatalog.load()), store), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        local.shutdown();
    }

    @Test
    void aValidMessageBecomesTheStateAndAnOlderOneIsIgnored() {
        assertThat(handler.handle(Telemetry.ruleEvent(Telemetry.message(1, T, 5), T + 10)).outcome()).isEqualTo(Outcome.UPDATED);
        assertThat(handler.handle(Telemetry.ruleEvent(Telemetry.message(1, T - 1000, 4), T + 20)).outcome()).isEqualTo(Outcome.OLDER);
        JsonNode signals = store.get(Telemetry.vin(1)).orElseThrow().signals();
        assertThat(signals.at("/Vehicle/Speed").floatValue()).isEqualTo((float) Telemetry.speed(1, 5));
        assertThat(signals.at("/Vehicle/OBD/DTCList/0").asText()).isEqualTo("P0A80");
        assertThat(signals.has("_topic")).isFalse();
    }

    @Test
    void invalidMessagesAreDroppedWithTheirReason() {
        ObjectNode outOfRange = Telemetry.message(2, T, 1);
        outOfRange.with("Vehicle").with("CurrentLocation").put("Latitude", 123.0);
        ObjectNode wrongType = Telemetry.message(2, T, 1);
        wrongType.with("Vehicle").put("Speed", "fast");
        ObjectNode otherVin = Telemetry.message(2, T, 1);
        byte[] spoofed = Json.write(((ObjectNode) Json.parse(new String(Telemetry.ruleEvent(otherVin, T), StandardCharsets.UTF_8)))
                .put("_topic", Telemetry.topic(Telemetry.vin(3)))).getBytes(StandardCharsets.UTF_8);
        ObjectNode noTopic = Telemetry.message(2, T, 1);

        assertThat(handler.handle(Telemetry.ruleEvent(outOfRange, T)).reason()).contains("Latitude");
        assertThat(handler.handle(Telemetry.ruleEvent(wrongType, T)).reason()).contains("Speed");
        assertThat(handler.handle(spoofed).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(handler.handle(Telemetry.bytes(noTopic)).reason()).contains("_topic");
        assertThat(handler.handle("{not json".getBytes(StandardCharsets.UTF_8)).reason()).contains("not JSON");
        assertThat(handler.handle("[1]".getBytes(StandardCharsets.UTF_8)).reason()).contains("not a JSON object");
        assertThat(store.get(Telemetry.vin(2))).as("nothing stored for vehicle 2").isEmpty();
        assertThat(store.get(Telemetry.vin(3))).isEmpty();
    }

    @Test
    void theLambdaEntryPointReturnsNormallyForADroppedMessageSoItIsNotRetried() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(new byte[LatestStateUpdateHandler.MAX_EVENT_BYTES + 10]), out, null);
        JsonNode result = Json.parse(out.toString(StandardCharsets.UTF_8));
        assertThat(result.get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(result.get("reason").asText()).contains("larger than");
    }
}
