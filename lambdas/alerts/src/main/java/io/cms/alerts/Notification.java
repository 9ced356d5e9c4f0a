package io.cms.alerts;

import io.cms.lambda.common.BadInputException;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the Notifications table: an alert recorded for a VIN and alarm type.
 *
 * @param topic     partition key {@code {prefix}-{alarmType}-{vin}} (the original's key)
 * @param timestamp sort key: 13-digit epoch milliseconds of the alert, '-', and the id of the message
 *                  that carried it; deterministic, so a redelivered message maps to the same row
 * @param vin       the vehicle
 * @param alarmType the alarm type
 * @param message   the alert text
 * @param createdAt when the alert was published
 * @param read      whether anyone marked it read: one fleet-wide flag, shared by every subscriber of the VIN
 * @param expiresAt when DynamoDB TTL may delete it
 */
public record Notification(String topic, String timestamp, String vin, String alarmType, String message,
        Instant createdAt, boolean read, Instant expiresAt) {

    private static final Pattern ID = Pattern.compile("^([A-Za-z0-9_-]{1,200})/(\\d{13}-[A-Za-z0-9-]{1,80})$");

    /** The id clients use to refer to it ({@code topic/timestamp}). */
    public String id() {
        return topic + "/" + timestamp;
    }

    /** The sort key for an alert published at {@code createdAt} by message {@code messageId}. */
    public static String sortKey(Instant createdAt, String messageId) {
        return String.format("%013d-%s", createdAt.toEpochMilli(), messageId);
    }

    /** A parsed notification id. */
    public record Key(String topic, String timestamp) {
    }

    /** Parses a client-supplied id, or throws a caller-facing error. */
    public static Key parseId(String id) {
        Matcher m = id == null ? null : ID.matcher(id);
        if (m == null || !m.matches()) {
            throw new BadInputException("id is not a notification id");
        }
        return new Key(m.group(1), m.group(2));
    }
}
