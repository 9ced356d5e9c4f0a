package io.cms.simulator.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VehicleCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void savedCredentialsLoadBackAndTheKeyIsOwnerOnly() throws Exception {
        VehicleCredentials first = new VehicleCredentials("1HGCM82633A004352", "c1", "CERT1", "KEY1");
        first.save(dir);
        VehicleCredentials second = new VehicleCredentials("1HGCM82633A004352", "c2", "CERT2", "KEY2");
        second.save(dir);

        assertThat(VehicleCredentials.load(dir)).isEqualTo(second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("private.key")))).isEqualTo("rw-------");
        assertThat(dir.resolve("private.key.tmp")).doesNotExist();
    }

    @Test
    void savingWritesAWholeDirectoryInOneStepAndLeavesNothingBeside() throws Exception {
        Path vehicle = dir.resolve("vehicles").resolve("1HGCM82633A004352");
        // What an interrupted save of the old code left: a certificate and a key, nothing else.
        Files.createDirectories(vehicle);
        Files.writeString(vehicle.resolve("certificate.pem"), "OLD");
        Files.writeString(vehicle.resolve("private.key"), "OLD");
        assertThat(VehicleCredentials.isComplete(vehicle)).isFalse();

        VehicleCredentials creds = new VehicleCredentials("1HGCM82633A004352", "c1", "CERT1", "KEY1");
        creds.save(vehicle, java.util.Map.of("ca.pem", "CA"));

        assertThat(VehicleCredentials.isComplete(vehicle)).isTrue();
        assertThat(VehicleCredentials.load(vehicle)).isEqualTo(creds);
        assertThat(vehicle.resolve("ca.pem")).hasContent("CA");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vehicle.resolve("private.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vehicle))).isEqualTo("rwx------");
        try (var siblings = Files.list(vehicle.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("1HGCM82633A004352");
        }
        try (var files = Files.list(vehicle)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("certificate.pem", "private.key", "certificate.id", "thing.name", "ca.pem");
        }
    }

    @Test
    void loadingFromADirectoryWithoutCredentialsNamesIt() {
        assertThatThrownBy(() -> VehicleCredentials.load(dir.resolve("nothing-here")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no vehicle credentials in");
    }

    @Test
    void theKeyNeverAppearsInToString() {
        assertThat(new VehicleCredentials("1HGCM82633A004352", "c1", "CERT", "SECRET-KEY").toString()).doesNotContain("SECRET-KEY");
    }
}
