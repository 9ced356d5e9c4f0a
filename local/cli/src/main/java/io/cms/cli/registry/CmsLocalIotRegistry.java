package io.cms.cli.registry;

import io.cms.cli.local.ApiCallFailedException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The IoT control plane of a CMS Local, seen from the CLI (another process): certificates are read
 * from CMS Local's registry journal (read-only: CMS Local owns it) and deactivated through a request
 * file that the running CMS Local applies, disconnecting the clients connected with the certificate
 * ({@link CertificateStatusRequests}). Only what {@code cms registry revoke} needs is supported.
 *
 * <p>One instance serves one command: it reads the journal once, when it first looks at a
 * certificate, and keeps what it read, so a revoke reads it once however many certificates the
 * vehicle has; it records the status a deactivation CMS Local has applied. After a deactivation
 * still pending (or refused) it forgets what it read, so the next look reads the journal again.
 * Not thread-safe.
 */
final class CmsLocalIotRegistry implements IotRegistry {

    /** How long {@link #updateCertificateStatus} waits for CMS Local to apply a request. */
    static final Duration APPLY_TIMEOUT = Duration.ofSeconds(5);

    private final Path iotDir;
    private final PrintWriter err;
    private final Duration timeout;
    private final Function<Path, Map<String, LocalIotRegistry.Certificate>> journal;
    /** The certificates as this instance last read them from the journal, by id; null: to be read. */
    private Map<String, IotCertificate> known;

    /**
     * @param dataDir the CMS Local data directory
     * @param err where a request CMS Local has not applied yet is reported
     */
    CmsLocalIotRegistry(Path dataDir, PrintWriter err, Duration timeout) {
        this(dataDir, err, timeout, LocalIotRegistry::readCertificates);
    }

    /** @param journal reads every certificate from the registry journal of an IoT directory (a seam for tests) */
    CmsLocalIotRegistry(Path dataDir, PrintWriter err, Duration timeout,
                        Function<Path, Map<String, LocalIotRegistry.Certificate>> journal) {
        this.iotDir = dataDir.resolve("iot");
        this.err = err;
        this.timeout = timeout;
        this.journal = journal;
    }

    @Override
    public Optional<IotCertificate> describeCertificate(String certificateId) {
        if (known == null) {
            known = new HashMap<>();
            journal.apply(iotDir).forEach((id, c) ->
                    known.put(id, certificate(id, IotCertificateStatus.valueOf(c.status().name()))));
        }
        return Optional.ofNullable(known.get(certificateId));
    }

    private static IotCertificate certificate(String certificateId, IotCertificateStatus status) {
        return new IotCertificate(certificateId, LocalIotControlPlane.CERT_ARN_PREFIX + certificateId, status);
    }

    /**
     * Asks CMS Local to deactivate the certificate and waits up to {@link #APPLY_TIMEOUT} for it;
     * a request not applied in time stays and is applied when CMS Local (re)starts.
     *
     * @throws ApiCallFailedException when CMS Local rejected the request, with its reason (e.g. the
     *     certificate was REVOKED meanwhile: REVOKED is final)
     * @throws IotNotFoundException when the certificate is not in the journal, or CMS Local found it
     *     already gone when it applied the request (deleted meanwhile: it cannot connect)
     */
    @Override
    public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        if (status != IotCertificateStatus.INACTIVE && status != IotCertificateStatus.REVOKED) {
            throw new UnsupportedOperationException("CMS Local's IoT registry can only be asked to deactivate a certificate, not to set "
                    + status);
        }
        describeCertificate(certificateId).orElseThrow(() -> new IotNotFoundException(
                "certificate " + certificateId + " does not exist in CMS Local's IoT registry"));
        // Until CMS Local has applied the request, the journal is the truth: read it again if asked.
        Map<String, IotCertificate> read = known;
        known = null;
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
        Optional<String> rejection = CertificateStatusRequests.rejection(request);
        if (rejection.isPresent()) {
            throw new ApiCallFailedException("CMS Local rejected the deactivation of certificate " + certificateId + ": "
                    + rejection.get() + " (the request is kept as " + CertificateStatusRequests.rejectedFile(request) + ")");
        }
        if (CertificateStatusRequests.takeGone(request)) {
            // CMS Local deleted it meanwhile (a reconcile, a withdrawn registration): it cannot connect.
            read.remove(certificateId);
            known = read;
            throw new IotNotFoundException("certificate " + certificateId + " is already gone from CMS Local's IoT registry");
        }
        // Applied: what CMS Local wrote to its journal.
        read.put(certificateId, certificate(certificateId, status));
        known = read;
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
