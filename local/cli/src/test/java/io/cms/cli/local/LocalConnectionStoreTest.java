package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** A data directory where the simulator state cannot be moved to: a file stands where its directory should be. */
    private LocalConnection withAnUnmovableLegacyState(List<String> warnings) throws Exception {
        LocalConnection c = new LocalConnection(dir, null, warnings::add);
        c.store(new VehicleCredentials(VIN, "cert-1", "CERT1", "KEY1"), "CA");
        STATE.save(c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE));
        Files.writeString(dir.resolve(LocalConnection.SIMULATOR_STATE), "not a directory");
        return c;
    }

    @Test
    void aStateThatCannotBeMovedStaysWhereItIsAndIsReadAndSavedThereWithOneWarning() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        LocalConnection c = withAnUnmovableLegacyState(warnings);
        Path legacy = c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE);

        Path state = c.simulatorState(VIN);

        assertThat(state).isEqualTo(legacy);
        assertThat(VehicleState.load(state)).contains(STATE);
        VehicleState later = new VehicleState(61_300, 40, 95.1, 2_000);
        later.save(c.simulatorState(VIN));
        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(later);
        assertThat(warnings).singleElement().asString().contains("cannot move the simulator state", "stays where it is");
    }

    @Test
    void storingNewCredentialsWhenTheStateCannotBeMovedStoresThemAndCarriesTheStateAlong() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        LocalConnection c = withAnUnmovableLegacyState(warnings);

        c.store(new VehicleCredentials(VIN, "cert-2", "CERT2", "KEY2"), "CA");

        assertThat(c.credentials(VIN).orElseThrow().certificateId()).isEqualTo("cert-2");
        assertThat(VehicleState.load(c.vehicleDir(VIN).resolve(LocalConnection.LEGACY_STATE_FILE))).contains(STATE);
        assertThat(VehicleState.load(c.simulatorState(VIN))).contains(STATE);
        assertThat(warnings).singleElement().asString().contains("cannot move the simulator state");
    }
}
