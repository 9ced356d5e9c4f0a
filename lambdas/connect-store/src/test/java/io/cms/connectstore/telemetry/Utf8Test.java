package io.cms.connectstore.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void unpairedSurrogateFindsTheFirstSurrogateThatIsNotHalfOfAPair() {
        assertThat(Utf8.unpairedSurrogate("cms/data/x")).isEqualTo(-1);
        assertThat(Utf8.unpairedSurrogate("a\ud83d\ude97b")).isEqualTo(-1);
        assertThat(Utf8.unpairedSurrogate("ab\ud800")).as("a high one at the end").isEqualTo(2);
        assertThat(Utf8.unpairedSurrogate("a\udc00\ud800")).as("a low one first").isEqualTo(1);
        assertThat(Utf8.unpairedSurrogate("\ud83d\ude97\ude97")).as("a low one after a pair").isEqualTo(2);
        assertThat(Utf8.unpairedSurrogate("\ud800\ud83d\ude97")).as("a high one before a pair").isEqualTo(0);
    }
}
