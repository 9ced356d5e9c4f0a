package io.cms.api.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.vss.GraphQlSchema;
import java.util.Iterator;
import java.util.Map;

/**
 * Shapes stored signals ({@code {"Vehicle": {"Speed": 42.0, ...}}}) as the API's {@code Vehicle}
 * type: camelCase fields, every leaf wrapped as {@code {value: ...}} like the original API, numbers
 * kept as numbers and nulls as nulls (the original returned every value as a string and failed on
 * nulls).
 */
public final class VehicleView {

    private VehicleView() {
    }

    /** The {@code Vehicle} object of a stored message, plus {@code vin} and {@code timestamp}. */
    public static ObjectNode of(String vin, long timestamp, ObjectNode signals) {
        JsonNode vehicle = signals.path("Vehicle");
        ObjectNode out = vehicle.isObject() ? branch((ObjectNode) vehicle) : Json.object();
        // Clients of the original read the VIN as vehicleIdentification.vin.value; it is always known.
        JsonNode identification = out.get("vehicleIdentification");
        ObjectNode id = identification instanceof ObjectNode o ? o : out.putObject("vehicleIdentification");
        if (!id.has("vin") || id.path("vin").path("value").isNull()) {
            id.putObject("vin").put("value", vin);
        }
        out.put("vin", vin);
        out.put("timestamp", timestamp);
        return out;
    }

    private static ObjectNode branch(ObjectNode node) {
        ObjectNode out = Json.object();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String name = GraphQlSchema.field(e.getKey());
            JsonNode value = e.getValue();
            if (value.isObject()) {
                out.set(name, branch((ObjectNode) value));
            } else {
                ObjectNode leaf = out.putObject(name);
                leaf.set("value", value);
            }
        }
        return out;
    }
}
