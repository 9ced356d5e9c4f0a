package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.constructs.CmsSynth;
import org.junit.jupiter.api.Test;

class CdkNagAndInvariantsTest {

    @Test
    void everyStackHasZeroUnsuppressedNagFindingsAndNoInvariantViolations() {
        assertThat(CmsSynth.problems(AllStacks.get().assembly())).isEmpty();
    }
}
