package io.cms.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Printable;
import io.cms.lambda.common.Vin;
import java.util.regex.Pattern;

/**
 * One alert raised for a vehicle. On the alerts topic it travels as the original's JSON
 * {@code {"vin", "alarm_type", "message"}}, so existing publishers and subscribers keep working.
 *
 * @param vin            validated VIN
 * @param alarmType      configured alarm type
 * @param message        human-readable text, bounded in length
 * @param idempotencyKey optional key the publisher sends unchanged on every retry of one alert
 *                       ({@code idempotency_key} on the wire, absent when null): create-alerts
 *                       records one notification per VIN, alarm type and key
 */
public record Alert(String vin, String alarmType, String message, String idempotencyKey) {

    /** Accepted idempotency keys: 1-128 letters, digits, '.', '_', ':' or '-' (a UUID fits). */
    public static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");

    public Alert {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new BadInputException("idempotencyKey must be 1-128 letters, digits, '.', '_', ':' or '-' (got "
                    + (idempotencyKey.length() > 128 ? idempotencyKey.length() + " characters"
                    : "'" + Printable.clip(idempotencyKey, 128) + "'") + ")");
        }
    }

    /** An alert without idempotency key (the original's). */
    public Alert(String vin, String alarmType, String message) {
        this(vin, alarmType, message, null);
    }

    /**
     * Validates raw input against the configuration; throws a caller-facing error on the first problem.
     * The alert travels to the alerts topic as JSON, in which quotes and control characters of the
     * message take more bytes, so the JSON must fit in one SNS message too.
     */
    public static Alert of(String vin, String alarmType, String message, AlertsConfig config) {
        return of(vin, alarmType, message, null, config);
    }

    /** As {@link #of(String, String, String, AlertsConfig)}, with an optional idempotency key. */
    public static Alert of(String vin, String alarmType, String message, String idempotencyKey, AlertsConfig config) {
        Alert alert = new Alert(Vin.require(vin), config.requireAlarmType(alarmType), config.requireMessage(message),
                idempotencyKey);
        AlertsConfig.requireFitsSns("the alert as JSON (the message with its quotes and control characters"
                + " escaped)", alert.toJson());
        return alert;
    }

    /** Reads and validates the wire format. */
    public static Alert fromJson(JsonNode node, AlertsConfig config) {
        if (node == null || !node.isObject()) {
            throw new BadInputException("alert must be a JSON object");
        }
        return of(Json.optionalText(node, "vin"), Json.optionalText(node, "alarm_type"),
                Json.optionalText(node, "message"), Json.optionalText(node, "idempotency_key"), config);
    }

    /** The wire format. */
    public String toJson() {
        ObjectNode node = Json.object();
        node.put("vin", vin);
        node.put("alarm_type", alarmType);
        node.put("message", message);
        if (idempotencyKey != null) {
            node.put("idempotency_key", idempotencyKey);
        }
        return Json.write(node);
    }
}
