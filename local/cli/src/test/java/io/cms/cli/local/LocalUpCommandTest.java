package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.ExitCodes;
import io.cms.cli.testing.Cms;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cms local up} refuses bad options before it starts anything or touches the data directory. */
class LocalUpCommandTest {

    @TempDir
    Path dir;

    private Cms.Run up(String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "local";
        args[1] = "up";
        args[2] = "--data-dir";
        args[3] = dir.resolve("data").toString();
        System.arraycopy(options, 0, args, 4, options.length);
        return Cms.run(args);
    }

    @Test
    void anUnparseableLakeCommitIntervalIsAUsageError() {
        Cms.Run run = up("--lake-commit", "ten");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("'ten' is not a duration");
        assertThat(Files.exists(dir.resolve("data"))).isFalse();
    }

    @Test
    void anUnknownJournalSyncPolicyIsAUsageError() {
        Cms.Run run = up("--journal-sync", "sometimes");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--journal-sync must be 'write' or 'fsync'");
    }

    @Test
    void aBadAppIdIsAUsageError() {
        Cms.Run run = up("--app-id", "-Bad-");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("app id");
    }

    @Test
    void anAppIdStartingWithADigitIsAUsageErrorAsInTheCdkApps() {
        Cms.Run run = up("--app-id", "1cms");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("starting with a letter");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        Cms.Run run = up("--mqtt-port", "70000");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--mqtt-port");
    }
}
