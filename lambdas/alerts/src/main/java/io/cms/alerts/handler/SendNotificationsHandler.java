package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.NotificationStore;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB stream handler of the Notifications table (new images, {@code ReportBatchItemFailures}).
 * Only INSERTs are sent: marking a notification read (MODIFY) or its expiry (REMOVE) sends nothing.
 * On the first failure the handler stops and reports that record's sequence number, because Lambda
 * retries a stream batch from the reported record on; records after it are not sent twice.
 */
public final class SendNotificationsHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SendNotificationsHandler.class);

    private final NotificationSender sender;

    public SendNotificationsHandler() {
        this(AlertsWiring.fromSystem().sender());
    }

    public SendNotificationsHandler(NotificationSender sender) {
        this.sender = sender;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(handle(Json.parse(input))).getBytes(StandardCharsets.UTF_8));
    }

    /** Processes one stream batch and returns the partial-batch response. */
    public ObjectNode handle(JsonNode event) {
        JsonNode records = event.get("Records");
        if (records == null || !records.isArray()) {
            throw new BadInputException("not a DynamoDB stream event: Records is missing");
        }
        ObjectNode response = Json.object();
        for (JsonNode record : records) {
            if (!"INSERT".equals(Json.optionalText(record, "eventName"))) {
                continue;
            }
            String sequence = Json.optionalText(record.path("dynamodb"), "SequenceNumber");
            try {
                sender.send(NotificationStore.fromItem(DynamoDbJson.item(record.path("dynamodb").get("NewImage"))));
            } catch (RuntimeException e) {
                LOG.error("stream record {} could not be sent; retrying from it", sequence, e);
                response.putArray("batchItemFailures").addObject().put("itemIdentifier", sequence);
                return response;
            }
        }
        response.putArray("batchItemFailures");
        return response;
    }
}
