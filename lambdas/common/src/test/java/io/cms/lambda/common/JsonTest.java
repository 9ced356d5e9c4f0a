package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void rejectsMalformedJsonWithAClearError() {
        assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> Json.parse("  ")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void requiredTextNamesTheField() {
        var node = Json.parse("{\"vin\": 42, \"name\": \"x\"}");
        assertThat(Json.requiredText(node, "name")).isEqualTo("x");
        assertThatThrownBy(() -> Json.requiredText(node, "vin")).hasMessageContaining("'vin'");
        assertThatThrownBy(() -> Json.requiredText(node, "other")).hasMessageContaining("'other'");
    }

    @Test
    void putPathNestsValuesAndKeepsTheirJsonTypes() {
        var root = Json.object();
        Json.putPath(root, java.util.List.of("Vehicle", "Speed"), 42.5);
        Json.putPath(root, java.util.List.of("Vehicle", "Chassis", "Pressure"), 240);
        Json.putPath(root, java.util.List.of("Vehicle", "IsMoving"), true);
        Json.putPath(root, java.util.List.of("Vehicle", "OBD", "DTCList"), java.util.List.of("P0101"));
        Json.putPath(root, java.util.List.of("Vehicle", "At"), java.time.Instant.EPOCH);

        assertThat(Json.write(root)).isEqualTo("{\"Vehicle\":{\"Speed\":42.5,\"Chassis\":{\"Pressure\":240},"
                + "\"IsMoving\":true,\"OBD\":{\"DTCList\":[\"P0101\"]},\"At\":\"1970-01-01T00:00:00Z\"}}");
        assertThatThrownBy(() -> Json.putPath(root, java.util.List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
