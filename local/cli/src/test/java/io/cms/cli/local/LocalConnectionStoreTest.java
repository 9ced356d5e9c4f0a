package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConnectionStoreTest {

    private static final String VIN = "CMSA0000000000001";
    private static final VehicleState STATE = new VehicleState(61_234.5, 48.2, 95.1, 1_200);

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

    @Test
    void aStateAnOlderCliKeptInTheCredentialsDirectoryIsPickedUpAndMovedOutOnce() {
        LocalConnection c = new LocalConnection(dir, null);
        c.store(new VehicleCredentials(VIN, "cert-1", "CERT1", "KEY1"), "CA");
        Path legacy = c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE);
        STATE.save(legacy);

        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(STATE);
        assertThat(legacy).doesNotExist();
        assertThat(VehicleState.load(c.simulatorState(VIN))).as("read from the new place from then on").contains(STATE);
    }

    @Test
    void storingNewCredentialsOverAnOlderDataDirectoryMovesTheStateOutInsteadOfDroppingIt() {
        LocalConnection c = new LocalConnection(dir, null);
        c.store(new VehicleCredentials(VIN, "cert-1", "CERT1", "KEY1"), "CA");
        STATE.save(c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE));

        c.store(new VehicleCredentials(VIN, "cert-2", "CERT2", "KEY2"), "CA");

        assertThat(c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE)).doesNotExist();
        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(STATE);
    }

    @Test
    void aStateAlreadyAtTheNewPlaceWinsOverAStaleOneLeftInTheCredentialsDirectory() {
        LocalConnection c = new LocalConnection(dir, null);
        c.store(new VehicleCredentials(VIN, "cert-1", "CERT1", "KEY1"), "CA");
        VehicleState newer = new VehicleState(61_300, 40, 95.1, 2_000);
        newer.save(c.simulatorState(VIN));
        Path legacy = c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE);
        STATE.save(legacy);

        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(newer);
        assertThat(legacy).doesNotExist();
    }
}
