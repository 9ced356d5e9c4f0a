package io.cms.alerts.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads DynamoDB's typed JSON (as in stream events: {@code {"S": "x"}}, {@code {"N": "1"}}, ...). */
final class DynamoDbJson {

    private DynamoDbJson() {
    }

    static Map<String, AttributeValue> item(JsonNode image) {
        if (image == null || !image.isObject()) {
            throw new BadInputException("stream record has no NewImage object");
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        image.fields().forEachRemaining(f -> item.put(f.getKey(), value(f.getKey(), f.getValue())));
        return item;
    }

    private static AttributeValue value(String name, JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new BadInputException("attribute '" + name + "' is not typed DynamoDB JSON");
        }
        Map.Entry<String, JsonNode> typed = node.fields().next();
        JsonNode v = typed.getValue();
        switch (typed.getKey()) {
            case "S":
                return AttributeValue.fromS(v.asText());
            case "N":
                return AttributeValue.fromN(v.asText());
            case "BOOL":
                return AttributeValue.fromBool(v.asBoolean());
            case "NULL":
                return AttributeValue.fromNul(true);
            case "SS":
                return AttributeValue.fromSs(texts(v));
            case "NS":
                return AttributeValue.fromNs(texts(v));
            case "L": {
                List<AttributeValue> list = new ArrayList<>();
                v.forEach(e -> list.add(value(name, e)));
                return AttributeValue.fromL(list);
            }
            case "M":
                return AttributeValue.fromM(item(v));
            default:
                throw new BadInputException("attribute '" + name + "' has unsupported type " + typed.getKey());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(e -> values.add(e.asText()));
        return values;
    }
}
