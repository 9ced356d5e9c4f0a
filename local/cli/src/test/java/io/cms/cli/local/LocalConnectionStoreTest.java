package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConnectionStoreTest {

    @TempDir
    Path dir;

    @Test
    void storingNewCredentialsOfAVehicleKeepsItsSimulatorStateSoItsOdometerIsNotReset() {
        LocalConnection c = new LocalConnection(dir, null);
        String vin = "CMSA0000000000001";
        Path stored = c.store(new VehicleCredentials(vin, "cert-1", "CERT1", "KEY1"), "CA");
        VehicleState state = new VehicleState(61_234.5, 48.2, 95.1, 1_200);
        state.save(stored.resolve(VehicleState.FILE));

        c.store(new VehicleCredentials(vin, "cert-2", "CERT2", "KEY2"), "CA");

        assertThat(c.credentials(vin).orElseThrow().certificateId()).isEqualTo("cert-2");
        assertThat(VehicleState.load(c.vehicleDir(vin).resolve(VehicleState.FILE))).contains(state);
    }
}
