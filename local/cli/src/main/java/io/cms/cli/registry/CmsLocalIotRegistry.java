package io.cms.cli.registry;

import io.cms.local.iot.CertificateStatusRequests;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.provisioning.LocalIotControlPlane;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.IotRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IoT control plane of a CMS Local, seen from the CLI (another process): certificates are read
 * from CMS Local's registry journal (read-only: CMS Local owns it) and deactivated through a request
 * file that the running CMS Local applies, disconnecting the clients connected with the certificate
 * ({@link CertificateStatusRequests}). Only what {@code cms registry revoke} needs is supported.
 */
final class CmsLocalIotRegistry implements IotRegistry {

    /** How long {@link #updateCertificateStatus} waits for CMS Local to apply a request. */
    static final Duration APPLY_TIMEOUT = Duration.ofSeconds(5);

    private final Path iotDir;
    private final PrintWriter err;
    private final Duration timeout;

    /**
     * @param dataDir the CMS Local data directory
     * @param err where a request CMS Local has not applied yet is reported
     */
    CmsLocalIotRegistry(Path dataDir, PrintWriter err, Duration timeout) {
        this.iotDir = dataDir.resolve("iot");
        this.err = err;
        this.timeout = timeout;
    }

    @Override
    public Optional<IotCertificate> describeCertificate(String certificateId) {
        return LocalIotRegistry.readCertificate(iotDir, certificateId).map(c -> new IotCertificate(c.certificateId(),
                LocalIotControlPlane.CERT_ARN_PREFIX + c.certificateId(), IotCertificateStatus.valueOf(c.status().name())));
    }

    /**
     * Asks CMS Local to deactivate the certificate and waits up to {@link #APPLY_TIMEOUT} for it;
     * a request not applied in time stays and is applied when CMS Local (re)starts.
     */
    @Override
    public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        if (status != IotCertificateStatus.INACTIVE && status != IotCertificateStatus.REVOKED) {
            throw new UnsupportedOperationException("CMS Local's IoT registry can only be asked to deactivate a certificate, not to set "
                    + status);
        }
        if (describeCertificate(certificateId).isEmpty()) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist in CMS Local's IoT registry");
        }
        Path request = CertificateStatusRequests.submit(iotDir, certificateId, LocalIotRegistry.Status.valueOf(status.name()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Files.exists(request)) {
            if (System.nanoTime() >= deadline) {
                err.printf("CMS Local has not applied the deactivation of certificate %s within %d s (is it running?); "
                        + "the request stays in %s and CMS Local applies it, closing the vehicle's connections, when it starts%n",
                        certificateId, timeout.toSeconds(), request);
                err.flush();
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CMS Local to apply " + request, e);
            }
        }
        if (Files.exists(request.resolveSibling(request.getFileName() + CertificateStatusRequests.REJECTED_SUFFIX))) {
            throw new IllegalStateException("CMS Local refused the deactivation of certificate " + certificateId
                    + "; see its log and " + request.getFileName() + CertificateStatusRequests.REJECTED_SUFFIX);
        }
    }

    @Override
    public List<String> thingPrincipals(String thingName) {
        throw unsupported("listing a thing's principals");
    }

    @Override
    public void detachThingPrincipal(String thingName, String certificateArn) {
        throw unsupported("detaching a certificate");
    }

    @Override
    public void deleteCertificate(String certificateId) {
        throw unsupported("deleting a certificate");
    }

    @Override
    public Optional<Map<String, String>> thingAttributes(String thingName) {
        throw unsupported("reading a thing");
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " is not supported by the CLI against CMS Local (cms registry --local "
                + "only revokes: it deactivates certificates)");
    }
}
