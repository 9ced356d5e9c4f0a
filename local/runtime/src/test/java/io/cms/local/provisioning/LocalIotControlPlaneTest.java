package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIotControlPlaneTest {

    private static final String CERT = "d".repeat(64);

    @TempDir
    Path dir;

    @Test
    void aRevokedCertificateCannotBeUpdatedToAnotherStatusAsInAwsIot() {
        try (LocalIotRegistry registry = LocalIotRegistry.open(dir)) {
            registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
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
}
