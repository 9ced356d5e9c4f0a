package io.cms.local.iot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIotRegistryTest {

    private static final String CERT = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void readCertificatesReadsEveryCertificatesCurrentStateFromTheJournalWithoutOpeningIt() {
        assertThat(LocalIotRegistry.readCertificates(dir)).as("no journal yet").isEmpty();
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            registry.register(OTHER, LocalIotRegistry.Status.ACTIVE, false);
            registry.attach("VIN1", Map.of("vin", "VIN1"), CERT);
            registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
            registry.register("c".repeat(64), LocalIotRegistry.Status.INACTIVE, false);
            registry.delete("c".repeat(64));

            Map<String, LocalIotRegistry.Certificate> read = LocalIotRegistry.readCertificates(dir);

            assertThat(read).containsOnlyKeys(CERT, OTHER);
            assertThat(read.get(CERT).status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(read.get(CERT).thingName()).isEqualTo("VIN1");
            assertThat(read.get(OTHER)).isEqualTo(registry.certificate(OTHER).orElseThrow());
            assertThat(LocalIotRegistry.readCertificates(dir).get(OTHER)).isEqualTo(read.get(OTHER));
        }
    }

    @Test
    void aJournalWrittenBeforeAttachBecameOneLineStillReplays() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("registry.jsonl"), String.join("\n",
                "{\"type\":\"certificate\",\"certificateId\":\"" + CERT + "\",\"status\":\"ACTIVE\",\"claim\":false,"
                        + "\"createdAt\":\"2026-11-01T00:00:00Z\"}",
                "{\"type\":\"thing\",\"thingName\":\"VIN1\",\"attributes\":{\"vin\":\"VIN1\"}}",
                "{\"type\":\"certificate\",\"certificateId\":\"" + CERT + "\",\"status\":\"ACTIVE\",\"thingName\":\"VIN1\","
                        + "\"claim\":false,\"createdAt\":\"2026-11-01T00:00:00Z\"}") + "\n");
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            assertThat(registry.thing("VIN1")).contains(Map.of("vin", "VIN1"));
            assertThat(registry.certificate(CERT).orElseThrow().thingName()).isEqualTo("VIN1");
        }
    }

    @Test
    void revokedIsFinalForEveryCaller() {
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            registry.setStatus(CERT, LocalIotRegistry.Status.REVOKED);
            for (LocalIotRegistry.Status other : new LocalIotRegistry.Status[] {LocalIotRegistry.Status.ACTIVE,
                    LocalIotRegistry.Status.INACTIVE, LocalIotRegistry.Status.PENDING_ACTIVATION}) {
                assertThatThrownBy(() -> registry.setStatus(CERT, other)).isInstanceOf(LocalIotRegistry.RevokedException.class)
                        .hasMessageContaining("REVOKED, which is final").hasMessageContaining(other.name());
            }
            assertThat(registry.setStatus(CERT, LocalIotRegistry.Status.REVOKED).status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        }
        assertThat(LocalIotRegistry.readCertificates(dir).get(CERT).status()).as("nothing journaled").isEqualTo(LocalIotRegistry.Status.REVOKED);
    }

    @Test
    void everyDeactivationRevocationOrDeletionIsReportedToTheRetiredListenersButAnActivationIsNot() {
        List<String> retired = new CopyOnWriteArrayList<>();
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.onCertificateRetired(id -> {
                throw new IllegalStateException("a broken listener");
            });
            registry.onCertificateRetired(retired::add);
            registry.register(CERT, LocalIotRegistry.Status.INACTIVE, false);
            registry.register(OTHER, LocalIotRegistry.Status.ACTIVE, false);

            registry.setStatus(CERT, LocalIotRegistry.Status.ACTIVE);
            assertThat(retired).isEmpty();
            registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
            assertThat(retired).containsExactly(CERT);
            registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
            assertThat(retired).as("a repeated deactivation closes what may be left").containsExactly(CERT, CERT);
            assertThat(registry.delete(CERT)).isTrue();
            assertThat(registry.delete(CERT)).isFalse();
            assertThat(retired).containsExactly(CERT, CERT, CERT);
            registry.setStatus(OTHER, LocalIotRegistry.Status.REVOKED);
            assertThat(retired).containsExactly(CERT, CERT, CERT, OTHER);

            // Refused changes retire nothing.
            assertThatThrownBy(() -> registry.setStatus(OTHER, LocalIotRegistry.Status.INACTIVE))
                    .isInstanceOf(LocalIotRegistry.RevokedException.class);
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            assertThatThrownBy(() -> registry.delete(CERT)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> registry.setStatus("c".repeat(64), LocalIotRegistry.Status.INACTIVE))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(retired).containsExactly(CERT, CERT, CERT, OTHER);
            assertThat(registry.certificate(OTHER).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        }
    }

    @Test
    void aDeactivationWhoseJournalWriteFailsRetiresNothing() {
        List<String> retired = new CopyOnWriteArrayList<>();
        AtomicReference<FailingOutput> output = new AtomicReference<>();
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir, out -> {
            output.set(new FailingOutput(out));
            return output.get();
        })) {
            registry.onCertificateRetired(retired::add);
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            output.get().failing = true;

            assertThatThrownBy(() -> registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE))
                    .isInstanceOf(UncheckedIOException.class);

            assertThat(retired).isEmpty();
        }
    }

    @Test
    void aFailedJournalWriteChangesNothingAndTheSameChangeCanBeRetried() {
        AtomicReference<FailingOutput> output = new AtomicReference<>();
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir, out -> {
            output.set(new FailingOutput(out));
            return output.get();
        })) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            output.get().failing = true;

            assertThatThrownBy(() -> registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("No space left on device");
            assertThatThrownBy(() -> registry.register(OTHER, LocalIotRegistry.Status.ACTIVE, false))
                    .isInstanceOf(UncheckedIOException.class);
            assertThatThrownBy(() -> registry.attach("VIN1", Map.of("vin", "VIN1"), CERT)).isInstanceOf(UncheckedIOException.class);

            // Not in memory either: what the registry answers is what a restart would replay.
            assertThat(registry.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
            assertThat(registry.certificate(CERT).orElseThrow().thingName()).isNull();
            assertThat(registry.certificate(OTHER)).isEmpty();
            assertThat(registry.thing("VIN1")).isEmpty();

            output.get().failing = false;
            registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
            registry.register(OTHER, LocalIotRegistry.Status.ACTIVE, false);
        }
        // The torn lines the failed writes left are skipped; the retried changes follow them intact.
        try (LocalIotRegistry replayed = LocalIotRegistry.open(dir)) {
            assertThat(replayed.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(replayed.certificate(OTHER).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
            assertThat(replayed.thing("VIN1")).isEmpty();
        }
    }
}
