package io.cms.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HistoryQueryCancelledExceptionTest {

    @Test
    void aDeadlineErrorNamesTheCallersBudgetRoundedUpToWholeSeconds() {
        HistoryQueryCancelledException e = HistoryQueryCancelledException.deadline(null);
        assertThat(e.within(Duration.ofMillis(1500)))
                .hasMessage("history query did not finish within 2 s; narrow the time range")
                .hasCause(e);
        assertThat(e.within(Duration.ofSeconds(20))).hasMessageContaining("within 20 s;");
        assertThat(e.within(Duration.ofMillis(1))).hasMessageContaining("within 1 s;");
    }

    @Test
    void aShutdownErrorIsReturnedUnchanged() {
        HistoryQueryCancelledException closing = HistoryQueryCancelledException.closing(null);
        assertThat(closing.within(Duration.ofSeconds(20))).isSameAs(closing);
    }

    @Test
    void theQueryTimeoutNeverComesBeforeTheDeadline() {
        assertThat(HistoryQueryCancelledException.wholeSecondsUp(Duration.ofSeconds(3))).isEqualTo(3);
        assertThat(HistoryQueryCancelledException.wholeSecondsUp(Duration.ofSeconds(3).plusNanos(1))).isEqualTo(4);
        assertThat(HistoryQueryCancelledException.wholeSecondsUp(Duration.ofNanos(1))).isEqualTo(1);
    }
}
