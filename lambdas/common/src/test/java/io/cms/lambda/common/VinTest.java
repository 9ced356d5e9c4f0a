package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VinTest {

    @Test
    void acceptsAWellFormedVin() {
        assertThat(Vin.require("1HGCM82633A004352")).isEqualTo("1HGCM82633A004352");
    }

    @Test
    void isValidAgreesWithThePatternForEveryCharacterAtEveryPosition() {
        String base = "1HGCM82633A004352";
        for (int pos = 0; pos < 17; pos++) {
            for (char c = 0; c < 0x250; c++) {
                String vin = base.substring(0, pos) + c + base.substring(pos + 1);
                assertThat(Vin.isValid(vin)).as("%s", vin).isEqualTo(Vin.PATTERN.matcher(vin).matches());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1hgcm82633a004352", "1HGCM-82633A00435", "1HGCM82633A00435", "1HGCM82633A0043521",
        "1HGCM82633A00435I", "OHGCM82633A004352", "1HGCM82633A0Q4352", "1HGCM82633A00435'"})
    void refusesMalformedVins(String bad) {
        assertThatThrownBy(() -> Vin.require(bad)).isInstanceOf(BadInputException.class).hasMessageContaining("17 characters");
    }

    @Test
    void neverEchoesAHugeInput() {
        assertThatThrownBy(() -> Vin.require("A".repeat(1000)))
                .hasMessageContaining("1000 characters")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void showsAShortInputWithControlCharactersAsQuestionMarks() {
        assertThatThrownBy(() -> Vin.require("1HGCM82633A00435\n"))
                .hasMessageEndingWith("(got '1HGCM82633A00435?')");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> Vin.require(null)).isInstanceOf(BadInputException.class);
    }
}
