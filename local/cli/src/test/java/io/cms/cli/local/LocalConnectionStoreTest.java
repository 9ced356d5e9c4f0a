package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.SampleVehicleState;
import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConnectionStoreTest {

    private static final String VIN = "CMSA0000000000001";
    private static final Instant T0 = SampleVehicleState.T0;
    private static final VehicleState STATE = SampleVehicleState.STATE;

    @TempDir
    Path dir;

    @Test
    void theSimulatorStateLivesOutsideTheCredentialsDirectorySoStoringNewCredentialsNeverTouchesIt() throws Exception {
        LocalConnection c = new LocalConnection(dir, null);
        c.store(new VehicleCredentials(VIN, "cert-1", "CERT1", "KEY1"), "CA");
        Path state = c.simulatorState(VIN);
        STATE.save(state);

        c.store(new VehicleCredentials(VIN, "cert-2", "CERT2", "KEY2"), "CA");

        assertThat(state).isEqualTo(dir.resolve("simulator-state").resolve(VIN + ".json"));
        assertThat(state.startsWith(c.vehicleDir(VIN))).as("not inside the directory a store replaces").isFalse();
        assertThat(c.credentials(VIN).orElseThrow().certificateId()).isEqualTo("cert-2");
        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(STATE);
        try (var files = Files.list(c.vehicleDir(VIN))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("certificate.pem", "private.key", "certificate.id", "thing.name", "ca.pem");
        }
    }
}
