package io.cms.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VehicleStateTest {

    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final long SEED = 42;

    @TempDir
    Path dir;

    private static Route route() {
        return Route.loop(52.52, 13.40, 4000, 12, SEED);
    }

    private static Instant drive(VehicleModel m, Instant t, int seconds) {
        for (int i = 0; i < seconds; i++) {
            t = t.plusSeconds(1);
            m.step(1, t);
        }
        return t;
    }

    @Test
    void aSecondRunOfTheSameVehicleCarriesOnFromTheFirstInsteadOfStartingOverAtTheSameOdometer() throws Exception {
        VehicleModel first = new VehicleModel(SEED, route(), T0);
        Instant t = drive(first, T0, 1800);
        assertThat(first.odometerKm()).isGreaterThan(new VehicleModel(SEED, route(), T0).odometerKm());
        Path file = dir.resolve("state.json");
        first.state().save(file);

        VehicleModel second = new VehicleModel(SEED, route(), t, VehicleState.load(file).orElseThrow());
        assertThat(second.odometerKm()).isEqualTo(first.odometerKm());
        assertThat(second.stateOfCharge()).isEqualTo(first.stateOfCharge());
        assertThat(second.stateOfHealth()).isEqualTo(first.stateOfHealth());
        assertThat(second.position()).containsExactly(first.position());
        double last = first.odometerKm();
        second.step(1, t.plusSeconds(1));
        assertThat(second.odometerKm()).isGreaterThanOrEqualTo(last);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void savingIntoADirectoryThatDoesNotExistYetCreatesIt() {
        Path file = dir.resolve("simulator-state").resolve("CMSA0000000000001.json");
        VehicleState state = new VehicleState(61_234.5, 48.2, 95.1, 1_200);

        state.save(file);

        assertThat(VehicleState.load(file)).contains(state);
    }

    @Test
    void noFileIsNoStateAndACorruptOrInvalidFileIsAClearError() throws Exception {
        Path file = dir.resolve("state.json");
        assertThat(VehicleState.load(file)).isEmpty();
        Files.writeString(file, "{\"odometerKm\": 12.5, \"stateOf");
        assertThatThrownBy(() -> VehicleState.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid vehicle state in");
        Files.writeString(file, "{\"odometerKm\": 12.5, \"stateOfCharge\": 140, \"stateOfHealth\": 90, \"routeDistance\": 1}");
        assertThatThrownBy(() -> VehicleState.load(file)).hasMessageContaining("stateOfCharge must be within [0.0, 100.0], got 140.0");
        Files.writeString(file, "{\"odometerKm\": \"far\", \"stateOfCharge\": 40, \"stateOfHealth\": 90, \"routeDistance\": 1}");
        assertThatThrownBy(() -> VehicleState.load(file)).hasMessageContaining("\"odometerKm\" must be a number");
    }
}
