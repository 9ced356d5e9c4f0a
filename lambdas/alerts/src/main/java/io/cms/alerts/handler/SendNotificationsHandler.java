package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.NotificationStore;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB stream handler of the Notifications table (new images, {@code ReportBatchItemFailures}).
 * Only INSERTs are sent: marking a notification read (MODIFY) or its expiry (REMOVE) sends nothing.
 *
 * <p>A record that can never be sent (a malformed image, a message SNS would refuse: a
 * {@link BadInputException}) is logged with its reason and skipped, so the records after it in the
 * batch are still sent. Any other failure (SNS throttling, a 5xx, a network error) is transient: the
 * handler stops and reports that record's sequence number, because Lambda retries a stream batch
 * from the reported record on; records after it are not sent twice. A record that keeps failing
 * goes to the mapping's on-failure queue once its retries are used up.
 */
public final class SendNotificationsHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SendNotificationsHandler.class);
    /** Longest skip reason logged; the reason can quote attribute values of the row. */
    static final int MAX_LOGGED_REASON = 300;

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
                Map<String, AttributeValue> image = DynamoDbJson.item(record.path("dynamodb").get("NewImage"));
                if (NotificationStore.isIdempotencyMarker(image)) {
                    continue; // written with its notification, which is sent through its own record
                }
                sender.send(NotificationStore.fromItem(image));
            } catch (BadInputException permanent) {
                // Retrying cannot help, and a failed stream record holds back the rest of its shard.
                LOG.error("stream record {} is skipped, its notification cannot be sent: {}",
                        Printable.clip(String.valueOf(sequence), 64),
                        Printable.clip(String.valueOf(permanent.getMessage()), MAX_LOGGED_REASON));
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
