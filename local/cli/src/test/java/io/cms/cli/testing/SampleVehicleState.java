package io.cms.cli.testing;

import io.cms.simulator.model.VehicleState;
import java.time.Instant;
import java.util.List;

/** A complete, valid simulator state for tests that store and read states. */
public final class SampleVehicleState {

    /** When the sample's trip started; it was saved ten minutes later. */
    public static final Instant T0 = Instant.parse("2026-01-01T08:00:00Z");
    public static final VehicleState STATE = new VehicleState(61_234.5, 48.2, 95.1, 1_200, new VehicleState.Trip(12.5, T0),
            31.5, 54.2, new VehicleState.TroubleCodes(List.of(), 0), T0.plusSeconds(600));

    private SampleVehicleState() {
    }
}
