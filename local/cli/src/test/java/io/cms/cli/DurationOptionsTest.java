package io.cms.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import io.cms.lambda.common.BadInputException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Duration options are bounded and refused with the option's name, before any call. */
class DurationOptionsTest {

    @TempDir
    Path dir;

    @Test
    void aDurationWithinTheBoundIsParsed() {
        assertThat(DurationOptions.parse("--duration", "90m", Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationOptions.parse("--duration", "PT2H", Duration.ofHours(2))).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aDurationBeyondTheBoundNamesTheOptionAndTheBound() {
        assertThatThrownBy(() -> DurationOptions.parse("--duration", "999999999h", Duration.ofDays(365)))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--duration: '999999999h' is too long: at most 8760h (365 days)");
        assertThatThrownBy(() -> DurationOptions.parse("--x", "61s", Duration.ofMinutes(1)))
                .hasMessage("--x: '61s' is too long: at most 1m");
    }

    @Test
    void anUnparseableDurationNamesTheOption() {
        assertThatThrownBy(() -> DurationOptions.parse("--interval", "PT99999999999999999999H", Duration.ofDays(1)))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--interval: 'PT99999999999999999999H' is not a duration");
    }

    @Test
    void historyRefusesALastRangeLongerThanTheApiAllowsBeforeConnecting() {
        Run r = Cms.run("query", "history", "--vin", "5YJ3E1EA7KF317000", "--signals", "Vehicle.Speed", "--last", "999999999h",
                "--local", dir.resolve("nowhere").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --last: '999999999h' is too long: at most 744h (31 days)");
    }

    @Test
    void historyRefusesAnUnparseableLastRange() {
        Run r = Cms.run("query", "history", "--vin", "5YJ3E1EA7KF317000", "--signals", "Vehicle.Speed", "--last", "soon",
                "--local", dir.resolve("nowhere").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --last: 'soon' is not a duration: use e.g. 500ms, 1s, 2m, 1h");
    }
}
