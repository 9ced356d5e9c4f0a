package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.ExitCodes;
import io.cms.simulator.FleetSimulator.Stats;
import io.cms.simulator.FleetSimulator.VehicleStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary {@code cms simulate} prints after a run, and its exit code. */
class SimulateSummaryTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int summary(Stats stats, VehicleStats... vehicles) {
        return SimulateCommand.summary(new PrintWriter(out), new PrintWriter(err), stats, List.of(vehicles), 12);
    }

    @Test
    void aVehicleThatNeverConnectedIsListedWithItsReasonAndTheRunIsPartial() {
        int exit = summary(new Stats(2, 0, 10, 10, 1),
                new VehicleStats("CMSAAAAAAAA000001", false, 10, 10, 0, null),
                new VehicleStats("CMSAAAAAAAA000002", false, 0, 0, 1, "never connected: NOT_AUTHORIZED"));

        assertThat(exit).isEqualTo(ExitCodes.PARTIAL);
        assertThat(out.toString()).contains("done: 2 vehicles, 10 sent, 10 acknowledged, 1 failed or skipped")
                .contains("CMSAAAAAAAA000002: 0 sent, 0 acknowledged, 1 failed or skipped; never connected: NOT_AUTHORIZED")
                .doesNotContain("CMSAAAAAAAA000001:");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aRunWithNothingSentSaysWhy() {
        int exit = summary(new Stats(1, 0, 0, 0, 1),
                new VehicleStats("CMSAAAAAAAA000001", false, 0, 0, 1, "never connected (still connecting when the run ended)"));

        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).contains("still connecting when the run ended");
        assertThat(err.toString()).contains("no message was acknowledged").contains("no vehicle connected during the run");
    }

    @Test
    void messagesSentButNoneAcknowledgedFailTheRunAndSaySo() {
        int exit = summary(new Stats(2, 2, 7, 0, 7),
                new VehicleStats("CMSAAAAAAAA000001", true, 4, 0, 4, null),
                new VehicleStats("CMSAAAAAAAA000002", true, 3, 0, 3, null));

        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).contains("done: 2 vehicles, 7 sent, 0 acknowledged, 7 failed or skipped; stopped in 12 ms")
                .contains("CMSAAAAAAAA000001: 4 sent, 0 acknowledged, 4 failed or skipped" + System.lineSeparator())
                .contains("CMSAAAAAAAA000002: 3 sent, 0 acknowledged, 3 failed or skipped" + System.lineSeparator());
        assertThat(err.toString()).isEqualToNormalizingNewlines("cms: no message was acknowledged: the broker acknowledged none of the 7 messages sent\n");
    }

    @Test
    void connectedVehiclesThatNeverSentBlameTheDurationNotTheConnection() {
        // One vehicle connected but the run ended before its first tick; the other never connected.
        int exit = summary(new Stats(2, 1, 0, 0, 1),
                new VehicleStats("CMSAAAAAAAA000001", true, 0, 0, 0, null),
                new VehicleStats("CMSAAAAAAAA000002", false, 0, 0, 1, "never connected: NOT_AUTHORIZED"));

        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString()).contains("done: 2 vehicles, 0 sent, 0 acknowledged, 1 failed or skipped")
                .contains("CMSAAAAAAAA000002: 0 sent, 0 acknowledged, 1 failed or skipped; never connected: NOT_AUTHORIZED")
                .doesNotContain("CMSAAAAAAAA000001:");
        assertThat(err.toString()).isEqualToNormalizingNewlines("cms: no message was acknowledged: no vehicle sent a message during the run"
                + " (a --duration shorter than --interval leaves no time for one)\n");
    }

    @Test
    void aCleanRunIsOk() {
        assertThat(summary(new Stats(1, 0, 5, 5, 0), new VehicleStats("CMSAAAAAAAA000001", false, 5, 5, 0, null)))
                .isEqualTo(ExitCodes.OK);
        assertThat(err.toString()).isEmpty();
    }
}
