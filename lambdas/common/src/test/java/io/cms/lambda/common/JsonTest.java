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
}
