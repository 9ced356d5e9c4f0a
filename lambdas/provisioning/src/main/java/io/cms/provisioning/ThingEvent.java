package io.cms.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An IoT registry thing event ({@code $aws/events/thing/{thingName}/{created|updated|deleted}}).
 *
 * @param operation CREATED, UPDATED or DELETED
 * @param thingName the thing
 * @param attributes the thing's attributes after the change (empty when it has none)
 */
public record ThingEvent(String operation, String thingName, Map<String, String> attributes) {

    public ThingEvent {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Reads a thing event; anything that is not one is a {@link BadInputException}. */
    public static ThingEvent from(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new BadInputException("a thing event must be a JSON object");
        }
        String eventType = Json.optionalText(event, "eventType");
        if (eventType != null && !"THING_EVENT".equals(eventType)) {
            throw new BadInputException("not a thing event (eventType " + eventType + ")");
        }
        String operation = Json.requiredText(event, "operation");
        if (!operation.equals("CREATED") && !operation.equals("UPDATED") && !operation.equals("DELETED")) {
            throw new BadInputException("unknown thing event operation '" + operation + "'");
        }
        String thingName = Json.requiredText(event, "thingName");
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode attrs = event.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw new BadInputException("'attributes' of a thing event must be an object");
            }
            attrs.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        }
        return new ThingEvent(operation, thingName, attributes);
    }
}
