package io.cms.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;

/**
 * One alert raised for a vehicle. On the alerts topic it travels as the original's JSON
 * {@code {"vin", "alarm_type", "message"}}, so existing publishers and subscribers keep working.
 *
 * @param vin       validated VIN
 * @param alarmType configured alarm type
 * @param message   human-readable text, bounded in length
 */
public record Alert(String vin, String alarmType, String message) {

    /**
     * Validates raw input against the configuration; throws a caller-facing error on the first problem.
     * The alert travels to the alerts topic as JSON, in which quotes and control characters of the
     * message take more bytes, so the JSON must fit in one SNS message too.
     */
    public static Alert of(String vin, String alarmType, String message, AlertsConfig config) {
        Alert alert = new Alert(Vin.require(vin), config.requireAlarmType(alarmType), config.requireMessage(message));
        AlertsConfig.requireFitsSns("the alert as JSON (the message with its quotes and control characters"
                + " escaped)", alert.toJson());
        return alert;
    }

    /** Reads and validates the wire format. */
    public static Alert fromJson(JsonNode node, AlertsConfig config) {
        if (node == null || !node.isObject()) {
            throw new io.cms.lambda.common.BadInputException("alert must be a JSON object");
        }
        return of(Json.optionalText(node, "vin"), Json.optionalText(node, "alarm_type"),
                Json.optionalText(node, "message"), config);
    }

    /** The wire format. */
    public String toJson() {
        ObjectNode node = Json.object();
        node.put("vin", vin);
        node.put("alarm_type", alarmType);
        node.put("message", message);
        return Json.write(node);
    }
}
