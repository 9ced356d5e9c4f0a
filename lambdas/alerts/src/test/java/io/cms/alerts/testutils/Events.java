package io.cms.alerts.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.Json;
import java.time.Instant;
import java.util.Map;

/** Lambda events as AWS delivers them, for handler tests. */
public final class Events {

    private Events() {
    }

    /** An SQS record whose body is the SNS envelope of {@code alertJson} (the stack's non-raw delivery). */
    public static ObjectNode sqsRecordFromSns(String sqsMessageId, String snsMessageId, Instant published,
            String alertJson, int receiveCount) {
        ObjectNode envelope = Json.object();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", snsMessageId);
        envelope.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:cms-alerts-topic");
        envelope.put("Message", alertJson);
        envelope.put("Timestamp", published.toString());
        envelope.put("SignatureVersion", "1");
        return sqsRecord(sqsMessageId, Json.write(envelope), published, receiveCount);
    }

    /** An SQS record with the given raw body. */
    public static ObjectNode sqsRecord(String messageId, String body, Instant sent, int receiveCount) {
        ObjectNode record = Json.object();
        record.put("messageId", messageId);
        record.put("receiptHandle", "handle-" + messageId + "-" + receiveCount);
        record.put("body", body);
        ObjectNode attributes = record.putObject("attributes");
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        attributes.put("SentTimestamp", Long.toString(sent.toEpochMilli()));
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:cms-alerts-queue");
        return record;
    }

    /** An SQS event of the given records. */
    public static ObjectNode sqsEvent(JsonNode... records) {
        ObjectNode event = Json.object();
        ArrayNode array = event.putArray("Records");
        for (JsonNode record : records) {
            array.add(record);
        }
        return event;
    }

    /** An AppSync resolver request with the authorizer's resolver context. */
    public static AppSyncRequest appSync(String parentType, String field, Map<String, ?> arguments,
            Map<String, String> resolverContext) {
        ObjectNode event = Json.object();
        event.set("arguments", Json.object(arguments));
        ObjectNode identity = event.putObject("identity");
        if (resolverContext != null) {
            identity.set("resolverContext", Json.object(resolverContext));
        }
        ObjectNode info = event.putObject("info");
        info.put("fieldName", field);
        info.put("parentTypeName", parentType);
        return AppSyncRequest.from(event);
    }

    /** A resolver context as the auth module's authorizer returns it. */
    public static Map<String, String> caller(String sub, String email, String scopes) {
        return Map.of("sub", sub, "username", sub, "email", email, "scopes", scopes);
    }
}
