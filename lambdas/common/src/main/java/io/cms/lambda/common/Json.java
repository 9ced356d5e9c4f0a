package io.cms.lambda.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapper every handler uses. Built once per container; thread-safe.
 */
public final class Json {

    /** Shared mapper: unknown properties are ignored so AWS can add event fields without breaking us. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }

    /** Parses text into a tree, or throws {@link BadInputException} naming what was wrong. */
    public static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("expected a JSON document but got an empty input");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadInputException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a stream into a tree, or throws {@link BadInputException}. */
    public static JsonNode parse(InputStream in) {
        try {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new BadInputException("expected a JSON document but got an empty input");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadInputException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadInputException("could not read input: " + e.getMessage());
        }
    }

    /** Serialises any value; failures here are programming errors. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    /** Converts a tree or map to a typed value. */
    public static <T> T convert(Object value, Class<T> type) {
        try {
            return MAPPER.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("cannot read " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A fresh empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A map as an object node. */
    public static ObjectNode object(Map<String, ?> values) {
        return MAPPER.valueToTree(values);
    }

    /** The text of a required field, or a {@link BadInputException} naming the field. */
    public static String requiredText(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || !value.isTextual() || value.asText().isBlank()) {
            throw new BadInputException("missing or non-text field '" + field + "'");
        }
        return value.asText();
    }

    /** The text of an optional field, or null. */
    public static String optionalText(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * Puts {@code value} at {@code path} below {@code root}, creating the objects on the way (an
     * existing non-object on the way is replaced). Booleans, numbers and strings keep their JSON
     * type, lists become arrays of their items' text, null is JSON null, anything else its text.
     */
    public static void putPath(ObjectNode root, List<String> path, Object value) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("the path is empty");
        }
        ObjectNode node = root;
        for (String segment : path.subList(0, path.size() - 1)) {
            node = node.get(segment) instanceof ObjectNode child ? child : node.putObject(segment);
        }
        node.set(path.get(path.size() - 1), leaf(value));
    }

    private static JsonNode leaf(Object value) {
        if (value == null) {
            return MAPPER.nullNode();
        }
        if (value instanceof Boolean || value instanceof Number || value instanceof String) {
            return MAPPER.valueToTree(value);
        }
        if (value instanceof List<?> list) {
            var array = MAPPER.createArrayNode();
            list.forEach(item -> array.add(item == null ? null : String.valueOf(item)));
            return array;
        }
        return MAPPER.getNodeFactory().textNode(value.toString());
    }
}
