package io.cms.alerts.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping with {@code ReportBatchItemFailures} does, one poll at a
 * time: receive up to a batch, hand it to the function as an SQS event, then delete every message
 * the response does not list in {@code batchItemFailures}. Listed messages stay in the queue and
 * come back after the visibility timeout; when the function throws, the whole batch stays.
 */
public final class SqsEventSource {

    private final SqsClient sqs;
    private final String queueUrl;
    private final int batchSize;

    public SqsEventSource(SqsClient sqs, String queueUrl, int batchSize) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.batchSize = batchSize;
    }

    /** Receives one batch (waiting up to a second) and returns the received messages; none when empty. */
    public List<Message> pollOnce(Function<JsonNode, JsonNode> function) {
        List<Message> messages = receive();
        if (messages.isEmpty()) {
            return messages;
        }
        JsonNode response;
        try {
            response = function.apply(event(messages));
        } catch (RuntimeException functionError) {
            return messages;
        }
        Set<String> failed = new HashSet<>();
        response.path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return messages;
    }

    /** Receives one batch without acknowledging it, as when the function times out after doing its work. */
    public List<Message> pollWithoutAcknowledging(Function<JsonNode, JsonNode> function) {
        List<Message> messages = receive();
        if (!messages.isEmpty()) {
            function.apply(event(messages));
        }
        return messages;
    }

    private List<Message> receive() {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batchSize).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    private static ObjectNode event(List<Message> messages) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
        }
        return event;
    }
}
