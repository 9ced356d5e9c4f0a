package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.SampleVehicleState;
import io.cms.simulator.model.VehicleState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeping the vehicles' states between runs: one that cannot be written or read does not stop the others. */
class SimulateSaveStatesTest {

    private static final Instant T0 = SampleVehicleState.T0;
    private static final VehicleState STATE = SampleVehicleState.STATE;

    @TempDir
    Path dir;

    @Test
    void aStateThatCannotBeWrittenIsReportedAndTheOthersAreStillSaved() throws Exception {
        // The first vehicle's state would go under a regular file: its directory cannot be created.
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
        Map<String, Path> files = Map.of("VIN1", blocker.resolve("VIN1.json"), "VIN2", dir.resolve("VIN2.json"),
                "VIN3", dir.resolve("VIN3.json"));
        Map<String, VehicleState> states = new LinkedHashMap<>();
        states.put("VIN1", STATE);
        states.put("VIN2", STATE);
        states.put("VIN3", STATE);
        StringWriter err = new StringWriter();

        SimulateCommand.saveStates(states, files::get, new PrintWriter(err));

        assertThat(err.toString()).startsWith("cms: warning: cannot write the vehicle state ")
                .contains(blocker.resolve("VIN1.json").toString()).doesNotContain("VIN2").doesNotContain("VIN3");
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(VehicleState.load(dir.resolve("VIN2.json"))).contains(STATE);
        assertThat(VehicleState.load(dir.resolve("VIN3.json"))).contains(STATE);
    }

    @Test
    void aStateMissingFieldsIsReportedAndTheVehicleStartsAfresh() throws Exception {
        Path file = Files.writeString(dir.resolve("VIN1.json"),
                "{\"odometerKm\": 61234.5, \"stateOfCharge\": 48.2, \"stateOfHealth\": 95.1, \"routeDistance\": 1200}");
        StringWriter err = new StringWriter();

        assertThat(SimulateCommand.resumeState("VIN1", file, new PrintWriter(err))).isNull();

        assertThat(err.toString()).startsWith("cms: warning: ignoring the simulator state of VIN1 (invalid vehicle state in")
                .contains("\"trip\" must be an object").contains("the vehicle starts afresh");
    }
}
