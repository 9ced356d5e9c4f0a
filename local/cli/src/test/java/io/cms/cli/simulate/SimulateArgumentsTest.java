package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.ExitCodes;
import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arguments of {@code cms simulate} refused before anything is done (no CMS Local needed). */
class SimulateArgumentsTest {

    @TempDir
    Path dir;

    private Run simulate(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "simulate";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--local";
        all[args.length + 2] = dir.toString();
        return Cms.run(all);
    }

    @Test
    void aNotANumberLatitudeOrLongitudeIsRefused() {
        for (String[] args : new String[][] {{"--lat", "NaN"}, {"--lon", "NaN"}, {"--lat", "Infinity"}}) {
            Run r = simulate(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip()).isEqualTo("cms: --lat must be within [-80, 80] and --lon within [-180, 180]");
        }
    }

    @Test
    void tooManyVehiclesAreRefusedWithOneLine() {
        Run r = simulate("--vehicles", "2147483647");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("cms: --vehicles must be at most 100000, got 2147483647");
    }
}
