package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.QueuedMessage;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQS handler of the alerts queue (event source mapping with {@code ReportBatchItemFailures}).
 * Each message is recorded on its own; the ones that fail, whether poison (not an alert) or
 * transient (DynamoDB unavailable), are returned in {@code batchItemFailures} so only they are
 * redelivered, and SQS moves a message that keeps failing to the dead-letter queue after
 * {@code maxReceiveCount} receives. A bad message never holds up the rest of its batch.
 */
public final class CreateAlertsHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CreateAlertsHandler.class);

    private final AlertRecorder recorder;

    public CreateAlertsHandler() {
        this(AlertsWiring.fromSystem().recorder());
    }

    public CreateAlertsHandler(AlertRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(handle(Json.parse(input))).getBytes(StandardCharsets.UTF_8));
    }

    /** Processes one SQS event and returns the partial-batch response. */
    public ObjectNode handle(JsonNode event) {
        JsonNode records = event.get("Records");
        if (records == null || !records.isArray()) {
            throw new BadInputException("not an SQS event: Records is missing");
        }
        ObjectNode response = Json.object();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (JsonNode record : records) {
            String messageId = Json.optionalText(record, "messageId");
            if (messageId == null) {
                // Without an id SQS cannot be told which message failed; failing the batch retries them all.
                throw new BadInputException("SQS record without messageId");
            }
            try {
                AlertRecorder.Outcome outcome = recorder.record(new QueuedMessage(messageId,
                        Json.optionalText(record, "body"), sentAt(record)));
                LOG.info("message {}: {}", messageId, outcome);
            } catch (BadInputException poison) {
                LOG.warn("message {} (receive {}) is not an alert and will go to the DLQ: {}", messageId,
                        record.path("attributes").path("ApproximateReceiveCount").asText("?"), poison.getMessage());
                failures.addObject().put("itemIdentifier", messageId);
            } catch (RuntimeException e) {
                LOG.error("message {} could not be recorded; it will be retried", messageId, e);
                failures.addObject().put("itemIdentifier", messageId);
            }
        }
        return response;
    }

    private static Instant sentAt(JsonNode record) {
        String sent = Json.optionalText(record.path("attributes"), "SentTimestamp");
        try {
            return sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
