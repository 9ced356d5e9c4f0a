package io.cms.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Printable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The create-alerts step: turns a queued alert into a Notifications row, exactly once per message.
 *
 * <p>Idempotency: the row's key is derived from the message alone (its topic from the alert, its
 * sort key from the publish time and the SNS message id, which SNS keeps across its own retries, or
 * the SQS message id with raw delivery), and the row is written with a conditional put. A message
 * delivered again (visibility timeout, a failed batch, an SNS retry) finds its row and writes
 * nothing, so the table stream, and with it the email, fires once. The row's {@code ttl} bounds how
 * long the key is remembered; it outlives SQS's longest retention (14 days) by far.
 *
 * <p>A publisher's retry (a new publish after a timeout) is a new message with a new id. An alert
 * that carries an {@link Alert#idempotencyKey()} is therefore also recorded at most once per VIN,
 * alarm type and key: see {@link NotificationStore#insertOnce(Notification, String)}.
 */
public final class AlertRecorder {

    /** Outcome of one message. */
    public enum Outcome {
        /** A new notification was written. */
        RECORDED,
        /** The message had been recorded before; nothing was written. */
        DUPLICATE
    }

    private static final Pattern SAFE_ID = Pattern.compile("^[A-Za-z0-9-]{1,80}$");

    private final AlertsConfig config;
    private final NotificationStore store;
    private final Clock clock;

    public AlertRecorder(AlertsConfig config, NotificationStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Records one message.
     *
     * @throws BadInputException when the message is not an alert (a poison message: retrying cannot help,
     *                           so the caller reports it failed and SQS moves it to the DLQ)
     */
    public Outcome record(QueuedMessage message) {
        return recordIfNew(message).isPresent() ? Outcome.RECORDED : Outcome.DUPLICATE;
    }

    /**
     * Records one message; the notification it recorded, or empty when it was a duplicate.
     *
     * @throws BadInputException when the message is not an alert
     */
    public Optional<Notification> recordIfNew(QueuedMessage message) {
        Parsed parsed = parse(message);
        return store.insertOnce(parsed.notification(), parsed.idempotencyKey())
                ? Optional.of(parsed.notification()) : Optional.empty();
    }

    private record Parsed(Notification notification, String idempotencyKey) {
    }

    private Parsed parse(QueuedMessage message) {
        JsonNode body = Json.parse(message.body());
        String messageId = message.messageId();
        Instant publishedAt = message.sentAt();
        JsonNode alertNode = body;
        if (body.isObject() && "Notification".equals(Json.optionalText(body, "Type")) && body.has("Message")) {
            messageId = Json.requiredText(body, "MessageId");
            String timestamp = Json.optionalText(body, "Timestamp");
            if (timestamp != null) {
                try {
                    publishedAt = Instant.parse(timestamp);
                } catch (DateTimeParseException e) {
                    throw new BadInputException("SNS envelope Timestamp '" + Printable.clip(timestamp, 64)
                            + "' is not an ISO-8601 instant");
                }
            }
            alertNode = Json.parse(Json.requiredText(body, "Message"));
        }
        if (messageId == null || messageId.isBlank()) {
            throw new BadInputException("message has no id");
        }
        if (publishedAt == null) {
            publishedAt = clock.instant();
        }
        Alert alert = Alert.fromJson(alertNode, config);
        return new Parsed(new Notification(config.topicName(alert.alarmType(), alert.vin()),
                Notification.sortKey(publishedAt, keyPart(messageId)), alert.vin(), alert.alarmType(),
                alert.message(), publishedAt, false, publishedAt.plus(config.retention())), alert.idempotencyKey());
    }

    private static String keyPart(String messageId) {
        if (SAFE_ID.matcher(messageId).matches()) {
            return messageId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
