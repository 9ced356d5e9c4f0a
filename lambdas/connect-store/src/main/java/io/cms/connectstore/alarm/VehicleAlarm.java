package io.cms.connectstore.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Vin;

/**
 * What a vehicle publishes on {@code cms/notification/{vin}}: {@code {"vin": "...", "message": "..."}}.
 *
 * @param vin the vehicle
 * @param message the alarm text (1..2048 characters, the Alerts API limit)
 */
public record VehicleAlarm(String vin, String message) {

    /** Longest accepted alarm text. */
    public static final int MAX_MESSAGE = 2048;

    /**
     * Reads the IoT rule's event.
     *
     * @throws BadInputException naming the missing or invalid field
     */
    public static VehicleAlarm parse(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new BadInputException("vehicle alarm must be a JSON object {\"vin\": ..., \"message\": ...}");
        }
        JsonNode vin = event.get("vin");
        if (vin == null || vin.isNull()) {
            throw new BadInputException("vehicle alarm has no vin");
        }
        if (!vin.isTextual()) {
            throw new BadInputException("vehicle alarm vin must be a string");
        }
        JsonNode message = event.get("message");
        if (message == null || message.isNull() || (message.isTextual() && message.textValue().isBlank())) {
            throw new BadInputException("vehicle alarm has no message");
        }
        if (!message.isTextual()) {
            throw new BadInputException("vehicle alarm message must be a string");
        }
        if (message.textValue().length() > MAX_MESSAGE) {
            throw new BadInputException("vehicle alarm message is " + message.textValue().length()
                    + " characters; the limit is " + MAX_MESSAGE);
        }
        return new VehicleAlarm(Vin.require(vin.textValue()), message.textValue());
    }
}
