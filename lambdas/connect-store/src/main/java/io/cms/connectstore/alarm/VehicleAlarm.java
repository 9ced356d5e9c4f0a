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
    /** The field the IoT rule adds with the VIN of the topic the alarm came in on ({@code topic(3)}). */
    public static final String TOPIC_VIN = "topic_vin";

    /**
     * Reads the IoT rule's event: the vehicle's payload plus {@value #TOPIC_VIN}, the VIN the vehicle's
     * certificate may publish for. A vehicle may raise alarms only for itself.
     *
     * @throws BadInputException if the payload is invalid, {@value #TOPIC_VIN} is missing, or the
     *     payload's vin is not the topic's
     */
    public static VehicleAlarm parseRuleEvent(JsonNode event) {
        VehicleAlarm alarm = parse(event);
        JsonNode topicVin = event.get(TOPIC_VIN);
        if (topicVin == null || !topicVin.isTextual()) {
            throw new BadInputException("vehicle alarm event has no " + TOPIC_VIN
                    + " (the IoT rule must select topic(3) AS " + TOPIC_VIN + ")");
        }
        return alarm.requireTopicVin(topicVin.textValue());
    }

    /**
     * Returns this alarm if it was published on its own vehicle's topic.
     *
     * @param topicVin the VIN of the topic {@code cms/notification/{vin}} the alarm came in on
     * @throws BadInputException if the alarm is for another vehicle
     */
    public VehicleAlarm requireTopicVin(String topicVin) {
        if (!vin.equals(topicVin)) {
            throw new BadInputException("alarm for " + vin + " published on the topic of " + topicVin);
        }
        return this;
    }

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
