package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvConfigTest {

    private final EnvConfig env = EnvConfig.of(Map.of(
            "TABLE", " vehicles ",
            "PORT", "8080",
            "BAD_PORT", "eighty",
            "BIG", "70000",
            "TTL", "600",
            "FLAG", "Yes",
            "LIST", "a, b,,c "));

    @Test
    void namesTheMissingVariable() {
        assertThatThrownBy(() -> env.required("MISSING"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MISSING");
    }

    @Test
    void trimsValues() {
        assertThat(env.required("TABLE")).isEqualTo("vehicles");
    }

    @Test
    void parsesTypedValues() {
        assertThat(env.integer("PORT", 1, 1, 65535)).isEqualTo(8080);
        assertThat(env.integer("UNSET", 7, 1, 10)).isEqualTo(7);
        assertThat(env.seconds("TTL", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
        assertThat(env.flag("FLAG", false)).isTrue();
        assertThat(env.list("LIST", List.of())).containsExactly("a", "b", "c");
    }

    @Test
    void rejectsMalformedAndOutOfRangeNumbers() {
        assertThatThrownBy(() -> env.integer("BAD_PORT", 1, 1, 65535)).hasMessageContaining("BAD_PORT=eighty");
        assertThatThrownBy(() -> env.integer("BIG", 1, 1, 65535)).hasMessageContaining("outside");
        assertThatThrownBy(() -> env.flag("TABLE", false)).hasMessageContaining("TABLE");
    }
}
