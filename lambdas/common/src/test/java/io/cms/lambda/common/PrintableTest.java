package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void keepsPrintableAsciiAndReplacesEverythingElse() {
        assertThat(Printable.clip("kid-1", 64)).isEqualTo("kid-1");
        assertThat(Printable.clip("a\nINFO forged\u00e9", 64)).isEqualTo("a?INFO forged?");
    }

    @Test
    void clipsLongValuesAndNamesNull() {
        assertThat(Printable.clip("x".repeat(100), 10)).isEqualTo("xxxxxxxxxx...");
        assertThat(Printable.clip(null, 10)).isEqualTo("null");
    }
}
