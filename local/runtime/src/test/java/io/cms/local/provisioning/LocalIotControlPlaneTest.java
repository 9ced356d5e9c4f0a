package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIotControlPlaneTest {

    private static final String CERT = "d".repeat(64);

    @TempDir
    Path dir;

    private final List<String> retired = new CopyOnWriteArrayList<>();

    @Test
    void aRevokedCertificateCannotBeUpdatedToAnotherStatusAsInAwsIot() {
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            registry.onCertificateRetired(retired::add);
            LocalIotControlPlane plane = new LocalIotControlPlane(registry);
            plane.updateCertificateStatus(CERT, IotCertificateStatus.REVOKED);

            assertThatThrownBy(() -> plane.updateCertificateStatus(CERT, IotCertificateStatus.ACTIVE))
                    .isInstanceOf(IotConflictException.class).hasMessageContaining("REVOKED");
            assertThatThrownBy(() -> plane.updateCertificateStatus(CERT, IotCertificateStatus.INACTIVE))
                    .isInstanceOf(IotConflictException.class);
            plane.updateCertificateStatus(CERT, IotCertificateStatus.REVOKED);
            assertThat(plane.describeCertificate(CERT).orElseThrow().status()).isEqualTo(IotCertificateStatus.REVOKED);
        }
    }

    @Test
    void deactivatingRevokingOrDeletingACertificateRetiresItsConnectionsButActivatingDoesNot() {
        String other = "e".repeat(64);
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.INACTIVE, false);
            registry.register(other, LocalIotRegistry.Status.ACTIVE, false);
            registry.onCertificateRetired(retired::add);
            LocalIotControlPlane plane = new LocalIotControlPlane(registry);

            plane.updateCertificateStatus(CERT, IotCertificateStatus.ACTIVE);
            assertThat(retired).isEmpty();

            plane.updateCertificateStatus(CERT, IotCertificateStatus.INACTIVE);
            assertThat(retired).containsExactly(CERT);

            plane.deleteCertificate(CERT);
            assertThat(retired).containsExactly(CERT, CERT);

            plane.updateCertificateStatus(other, IotCertificateStatus.REVOKED);
            assertThat(retired).containsExactly(CERT, CERT, other);
        }
    }

    @Test
    void aRefusedChangeRetiresNothing() {
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            registry.onCertificateRetired(retired::add);
            LocalIotControlPlane plane = new LocalIotControlPlane(registry);

            assertThatThrownBy(() -> plane.deleteCertificate(CERT)).isInstanceOf(IotConflictException.class);
            assertThatThrownBy(() -> plane.updateCertificateStatus(CERT, IotCertificateStatus.PENDING_ACTIVATION))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(retired).isEmpty();
        }
    }
}
