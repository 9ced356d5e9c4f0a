package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Printable;
import io.cms.lambda.common.Vin;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.IotRegistry;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet provisioning by claim: the pre-provisioning decision, the activation that follows the
 * thing event, and the first-connection mark. The protocol that keeps exactly one certificate
 * ACTIVE per VIN under any interleaving:
 *
 * <ol>
 *   <li>Pre-provisioning: atomically take the VIN's next <em>generation</em> (only if authorized and
 *       allowed; nothing is written otherwise) and record the certificate PENDING_ACTIVATION with it.
 *       A repeated hook for a certificate already recorded is answered from its row: PENDING is allowed
 *       again; the VIN's ACTIVE certificate is allowed again, without a new generation, only where
 *       {@link RetryAfterActivation#ALLOWED} (CMS Local, whose RegisterThing waits for
 *       post-provisioning and answers its failure with a retryable error).</li>
 *   <li>Post-provisioning: the certificate becomes ACTIVE only if the VIN is still allowed, its
 *       generation was handed out under the current authorization and is newer than the active one's,
 *       in one transaction that also moves the VIN's pointer, retires the previous ACTIVE row and sets
 *       {@code allow_provisioning=false}: an authorization is consumed by the first activation, so
 *       holding the shared claim certificate is never enough to replace a vehicle's certificate.
 *       A certificate that loses retires itself (table INACTIVE, then in IoT: deactivate, detach,
 *       delete, then table DELETED).</li>
 *   <li>After every activation the winner sweeps its own VIN's partition: INACTIVE rows, older
 *       PENDING rows and PENDING rows whose authorization is used up are retired the same way, so a
 *       crash between the table and IoT is repaired by the next event of that VIN (and by the
 *       event's own retry).</li>
 * </ol>
 *
 * To replace a vehicle's certificate (lost key, ECU swap) an operator authorizes the VIN again.
 *
 * The thing name is the VIN, so the IoT policy can say "your own VIN" with the
 * {@code iot:Connection.Thing.ThingName} policy variable.
 */
public final class Provisioning {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);

    /** Template parameter carrying the VIN. */
    public static final String VIN_PARAMETER = "vin";
    /** Thing attribute: the VIN. */
    public static final String ATTR_VIN = "vin";
    /** Thing attribute: the certificate the template attached. */
    public static final String ATTR_CERTIFICATE_ID = "certificate_id";
    /** Thing attribute: the template that created or updated the thing. */
    public static final String ATTR_TEMPLATE = "provisioned_by_template";

    /** What post-provisioning did with a thing event. */
    public enum PostOutcome {
        /** The thing event was not from this template, or was a deletion: nothing to do. */
        IGNORED,
        /** This certificate is now the VIN's ACTIVE one. */
        ACTIVATED,
        /** It already was (a repeated event); older certificates were swept again. */
        ALREADY_ACTIVE,
        /** A newer certificate won; this one was retired. */
        SUPERSEDED,
        /**
         * The VIN was revoked in the meantime, or its authorization was consumed by the activation of
         * another certificate; this certificate was retired.
         */
        NOT_ALLOWED,
        /** The pre-provisioning hook never recorded this certificate; left alone. */
        UNKNOWN_CERTIFICATE
    }

    /**
     * Whether pre-provisioning allows the VIN's ACTIVE certificate again, i.e. a registration retried
     * because its post-provisioning failed after recording the activation.
     */
    public enum RetryAfterActivation {
        /**
         * Refused, as in AWS: post-provisioning runs asynchronously on the thing event (which IoT
         * retries itself), so a device never sees it fail, and a repeated RegisterThing would make
         * IoT activate the certificate again (template status Active), also one an operator
         * deactivated outside CMS.
         */
        REFUSED,
        /**
         * Allowed, for CMS Local: its RegisterThing runs post-provisioning before it answers, attaches
         * and activates the certificate only after it succeeded, and answers its failure with a
         * retryable error and the ownership token still usable.
         */
        ALLOWED
    }

    /** Vehicles read per page by {@link #reconcileAll}. */
    private static final int RECONCILE_PAGE = 100;

    private final ProvisioningStore store;
    private final IotRegistry iot;
    private final String templateName;
    private final RetryAfterActivation retryAfterActivation;

    public Provisioning(ProvisioningStore store, IotRegistry iot, String templateName,
                        RetryAfterActivation retryAfterActivation) {
        this.store = Objects.requireNonNull(store);
        this.iot = Objects.requireNonNull(iot);
        this.templateName = Objects.requireNonNull(templateName);
        this.retryAfterActivation = Objects.requireNonNull(retryAfterActivation, "retryAfterActivation");
    }

    public String templateName() {
        return templateName;
    }

    /**
     * The pre-provisioning hook. Refuses (and writes nothing) when the VIN parameter is missing or
     * malformed, unknown, or not allowed to provision: revoked, or it already has an ACTIVE
     * certificate and no operator authorized it again since that certificate was activated. The VIN's
     * ACTIVE certificate itself is allowed again (its registration is being retried) only with
     * {@link RetryAfterActivation#ALLOWED}.
     */
    public PreProvisionDecision preProvision(PreProvisionRequest request) {
        String certificateId;
        String vin;
        try {
            certificateId = CertificateIds.require("certificateId", request.certificateId());
            String raw = request.parameters().get(VIN_PARAMETER);
            if (raw == null || raw.isBlank()) {
                return refuse(request, "template parameter 'vin' is missing");
            }
            vin = Vin.require(raw);
        } catch (BadInputException e) {
            return refuse(request, e.getMessage());
        }
        OptionalLong generation = store.nextGeneration(vin);
        if (generation.isEmpty()) {
            if (retryAfterActivation == RetryAfterActivation.ALLOWED && isActive(vin, certificateId)) {
                return allowRetryOfActivated(vin, certificateId);
            }
            Optional<AuthorizedVehicle> known = store.vehicle(vin);
            if (known.isEmpty()) {
                return refuse(request, "vehicle " + vin + " is not in the authorized-vehicle registry");
            }
            if (known.get().activeCertificateId() != null && !known.get().allowProvisioning()) {
                return refuse(request, "vehicle " + vin + " already has an active certificate; an operator must"
                        + " authorize it again ('cms registry authorize') to replace it");
            }
            return refuse(request, "vehicle " + vin + " is not allowed to provision (allow_provisioning is false)");
        }
        AuthorizedVehicle vehicle = store.vehicle(vin).orElseThrow(() -> new IllegalStateException(
                "vehicle " + vin + " vanished while provisioning"));
        if (!store.putPending(vehicle, certificateId, vin, generation.getAsLong())) {
            ProvisionedCertificate existing = store.certificate(vin, certificateId).orElseThrow();
            if (existing.status() == CertificateStatus.ACTIVE && retryAfterActivation == RetryAfterActivation.ALLOWED) {
                return allowRetryOfActivated(vin, certificateId);
            }
            if (existing.status() != CertificateStatus.PENDING_ACTIVATION) {
                return refuse(request, "certificate " + certificateId + " was already provisioned ("
                        + existing.status() + ")");
            }
            LOG.info("pre-provisioning repeated for {} / {}; still pending", vin, certificateId);
        }
        LOG.info("pre-provisioning allowed {} with certificate {} (generation {})", vin, certificateId,
                generation.getAsLong());
        return PreProvisionDecision.allow(Map.of(VIN_PARAMETER, vin));
    }

    private boolean isActive(String vin, String certificateId) {
        return store.certificate(vin, certificateId).map(c -> c.status() == CertificateStatus.ACTIVE).orElse(false);
    }

    /**
     * The registration of a certificate whose activation is already recorded (its post-provisioning
     * failed after the activation, e.g. while retiring older certificates) is allowed again, without
     * a new generation: its retry completes the remaining steps ({@link PostOutcome#ALREADY_ACTIVE}
     * sweeps again). Only the VIN's ACTIVE certificate gets here; a retired or revoked one is INACTIVE
     * and stays refused.
     */
    private static PreProvisionDecision allowRetryOfActivated(String vin, String certificateId) {
        LOG.info("pre-provisioning repeated for {} / {}, which is already its ACTIVE certificate; allowed so that the"
                + " registration completes", vin, certificateId);
        return PreProvisionDecision.allow(Map.of(VIN_PARAMETER, vin));
    }

    /**
     * Post-provisioning, on a registry thing event. Thing events of other things (the rule sees
     * every thing of the account) and deletions are ignored.
     *
     * @throws BadInputException when the event claims to come from this template but is malformed
     */
    public PostOutcome postProvision(ThingEvent event) {
        if ("DELETED".equals(event.operation())) {
            return PostOutcome.IGNORED;
        }
        if (!templateName.equals(event.attributes().get(ATTR_TEMPLATE))) {
            LOG.debug("thing event for {} is not from template {}; ignored", event.thingName(), templateName);
            return PostOutcome.IGNORED;
        }
        String vin = Vin.require(event.attributes().get(ATTR_VIN));
        if (!vin.equals(event.thingName())) {
            throw new BadInputException("thing " + event.thingName() + " carries vin attribute " + vin
                    + "; a provisioned vehicle's thing name is its VIN");
        }
        String certificateId = CertificateIds.require("attribute certificate_id", event.attributes().get(ATTR_CERTIFICATE_ID));
        ProvisioningStore.Activation activation = store.activate(vin, certificateId);
        switch (activation.result()) {
            case ACTIVATED -> {
                LOG.info("certificate {} is now the ACTIVE certificate of {} (replacing {})", certificateId, vin,
                        activation.previousCertificateId());
                sweep(vin);
                return PostOutcome.ACTIVATED;
            }
            case ALREADY_ACTIVE -> {
                sweep(vin);
                return PostOutcome.ALREADY_ACTIVE;
            }
            case SUPERSEDED, NOT_ALLOWED -> {
                LOG.info("certificate {} of {} lost ({}); retiring it", certificateId, vin, activation.result());
                store.retirePending(vin, certificateId);
                Optional<ProvisionedCertificate> row = store.certificate(vin, certificateId);
                if (row.isPresent() && row.get().status() != CertificateStatus.ACTIVE) {
                    try {
                        retire(row.get());
                    } catch (IotConflictException e) {
                        // IoT detaches asynchronously, so the delete can conflict right after the
                        // detach. The certificate is INACTIVE by now; the VIN's next sweep deletes it.
                        LOG.info("certificate {} of {} is inactive; deleting it from IoT must wait: {}", certificateId, vin,
                                e.getMessage());
                    }
                }
                return activation.result() == ProvisioningStore.ActivationResult.SUPERSEDED
                        ? PostOutcome.SUPERSEDED : PostOutcome.NOT_ALLOWED;
            }
            default -> {
                LOG.warn("thing event for {} names certificate {} that the pre-provisioning hook never allowed; ignored",
                        vin, certificateId);
                return PostOutcome.UNKNOWN_CERTIFICATE;
            }
        }
    }

    /**
     * The vehicle's first connection ({@code vehicleactive/{vin}}): marks the certificate it
     * connected with, or the VIN's ACTIVE certificate when none is named.
     *
     * @return true when an ACTIVE certificate was marked
     */
    public boolean vehicleConnected(String rawVin, String rawCertificateId) {
        String vin = Vin.require(rawVin);
        String certificateId = rawCertificateId;
        if (certificateId == null || certificateId.isBlank()) {
            certificateId = store.vehicle(vin).map(AuthorizedVehicle::activeCertificateId).orElse(null);
            if (certificateId == null) {
                LOG.warn("vehicleactive for {} but it has no ACTIVE certificate; ignored", vin);
                return false;
            }
        }
        CertificateIds.require("certificate_id", certificateId);
        boolean marked = store.markConnected(vin, certificateId);
        if (!marked) {
            LOG.warn("vehicleactive for {} with certificate {} which is not its ACTIVE certificate; ignored", vin, certificateId);
        }
        return marked;
    }

    /**
     * Whether a certificate is the VIN's ACTIVE one: the VIN's pointer names it. The pointer alone
     * decides: {@link ProvisioningStore#activate} and {@link ProvisioningStore#revoke} change it and
     * the rows' ACTIVE status in one transaction, so its row is ACTIVE exactly when the pointer names it.
     */
    public boolean isActiveCertificate(String vin, String certificateId) {
        return store.vehicle(vin).map(v -> certificateId.equals(v.activeCertificateId())).orElse(false);
    }

    /**
     * A certificate ACTIVE in the IoT registry, as CMS Local lists them for {@link #reconcileAll}.
     *
     * @param certificateId its id
     * @param thingName the thing (the VIN) it is attached to, or null when none
     */
    public record ActiveInIot(String certificateId, String thingName) {
        public ActiveInIot {
            Objects.requireNonNull(certificateId, "certificateId");
        }
    }

    /**
     * Repairs the whole fleet (CMS Local, at start, before anyone can connect). The caller lists the
     * certificates ACTIVE in its IoT registry, <em>without the claim certificate</em>: the
     * {@link IotRegistry} lists nothing, and every certificate handed in that is not its VIN's
     * ACTIVE certificate is retired. One read of the authorized vehicles (their pointers) decides
     * which certificates are accounted for; rows are read only for the others:
     *
     * <ul>
     *   <li>ACTIVE in IoT but retired in the table (INACTIVE, DELETED, or PENDING whose registration
     *       never completed): retired as {@link #reconcile(String)} does, the row too;</li>
     *   <li>ACTIVE in IoT with no row at all, attached to no thing, or of a VIN that is no longer in
     *       the authorized-vehicle table: retired (deactivated, detached, deleted) with a WARN, its row,
     *       if any, too (an ACTIVE one as a revocation marks it);</li>
     *   <li>a VIN's ACTIVE certificate gone from IoT: a WARN telling the operator to authorize it
     *       again.</li>
     * </ul>
     *
     * @param activeInIot the certificates ACTIVE in IoT, without the claim certificate
     * @return how many VINs have an ACTIVE certificate that is gone from IoT (each logged as a WARN)
     */
    public int reconcileAll(Collection<ActiveInIot> activeInIot) {
        Map<String, String> activeByVin = new HashMap<>();
        Set<String> authorized = new HashSet<>();
        int unusable = 0;
        String next = null;
        do {
            Page<AuthorizedVehicle> page = store.list(RECONCILE_PAGE, next);
            for (AuthorizedVehicle vehicle : page.items()) {
                authorized.add(vehicle.vin());
                String active = vehicle.activeCertificateId();
                if (active == null) {
                    continue;
                }
                activeByVin.put(vehicle.vin(), active);
                if (iot.describeCertificate(active).isEmpty()) {
                    warnActiveGone(vehicle.vin(), active);
                    unusable++;
                }
            }
            next = page.nextToken();
        } while (next != null);
        for (ActiveInIot cert : activeInIot) {
            if (cert.thingName() == null || !cert.certificateId().equals(activeByVin.get(cert.thingName()))) {
                retireUnaccounted(cert, authorized);
            }
        }
        return unusable;
    }

    /**
     * Retires a certificate ACTIVE in IoT that is not the ACTIVE certificate of the VIN it is attached to.
     *
     * @param authorized every VIN in the authorized-vehicle table (as {@link #reconcileAll} just listed them)
     */
    private void retireUnaccounted(ActiveInIot cert, Set<String> authorized) {
        String vin = cert.thingName();
        if (vin == null) {
            retireActiveInIot(null, cert.certificateId(), Optional.empty(), "it is attached to no thing (no VIN, so no row)");
            return;
        }
        Optional<ProvisionedCertificate> row = store.certificate(vin, cert.certificateId());
        String why;
        if (!authorized.contains(vin)) {
            why = "its VIN " + vin + " is not in the authorized-vehicle table";
        } else if (row.isEmpty()) {
            why = "it has no row in the provisioned-certificate table";
        } else if (row.get().status() == CertificateStatus.ACTIVE) {
            why = "it is not the ACTIVE certificate of " + vin + " although its row is ACTIVE";
        } else {
            why = "it is " + row.get().status() + " in the table";
        }
        retireActiveInIot(vin, cert.certificateId(), row, why);
    }

    /**
     * Repairs a VIN whose IoT certificates disagree with its rows, as a registration whose
     * post-provisioning recorded the activation and then failed leaves it when its retry never comes
     * (the ownership token expired): every certificate ACTIVE in IoT whose row is not ACTIVE is
     * retired (deactivated, detached, deleted), and an ACTIVE row whose certificate is gone from IoT
     * is logged as a WARN telling the operator to authorize the VIN again. Only the VIN's rows are
     * looked at; {@link #reconcileAll} also finds certificates without a row.
     *
     * @return true when the VIN's ACTIVE certificate is gone from IoT
     */
    public boolean reconcile(String vin) {
        String active = store.vehicle(vin).map(AuthorizedVehicle::activeCertificateId).orElse(null);
        for (ProvisionedCertificate row : store.certificates(vin)) {
            if (row.status() == CertificateStatus.ACTIVE) {
                continue;
            }
            Optional<IotCertificate> cert = iot.describeCertificate(row.certificateId());
            if (cert.isPresent() && cert.get().status() == IotCertificateStatus.ACTIVE) {
                retireActiveInIot(vin, row.certificateId(), Optional.of(row), "it is " + row.status() + " in the table");
            }
        }
        if (active != null && iot.describeCertificate(active).isEmpty()) {
            warnActiveGone(vin, active);
            return true;
        }
        return false;
    }

    private static void warnActiveGone(String vin, String active) {
        LOG.warn("vehicle {} cannot connect: its ACTIVE certificate {} is gone from the IoT registry (its registration"
                + " failed and was not retried in time); authorize it again ('cms registry authorize') and let it"
                + " provision anew", vin, active);
    }

    /**
     * Retires a certificate that is ACTIVE in IoT but must not be: its row, if any, becomes INACTIVE
     * (from PENDING, or from ACTIVE when the VIN's pointer does not name it, e.g. the VIN is no longer
     * in the authorized-vehicle table: {@link ProvisioningStore#retireUnpointedActive}), then it is
     * deactivated, detached and deleted in IoT and the row marked DELETED. The VIN's ACTIVE
     * certificate (the one its pointer names) is left alone.
     *
     * @param vin the VIN (thing) it is attached to, or null
     */
    private void retireActiveInIot(String vin, String certificateId, Optional<ProvisionedCertificate> row, String why) {
        LOG.warn("certificate {}{} is ACTIVE in IoT but {}; retiring it (deactivate, detach, delete)", certificateId,
                vin == null ? "" : " of " + vin, why);
        try {
            if (row.isEmpty()) {
                ensureGoneFromIot(vin, vin, certificateId);
                return;
            }
            ProvisionedCertificate current = row.get();
            if (current.status() == CertificateStatus.PENDING_ACTIVATION || current.status() == CertificateStatus.ACTIVE) {
                boolean retired = current.status() == CertificateStatus.ACTIVE
                        ? store.retireUnpointedActive(vin, certificateId) : store.retirePending(vin, certificateId);
                if (!retired && isActiveCertificate(vin, certificateId)) {
                    LOG.info("certificate {} of {} is its ACTIVE certificate (activated meanwhile); left alone",
                            certificateId, vin);
                    return;
                }
                current = store.certificate(vin, certificateId).orElse(current);
            }
            retire(current);
        } catch (IotConflictException e) {
            LOG.warn("could not retire certificate {} of {} yet: {}", certificateId, vin, e.getMessage());
        }
    }

    /**
     * Retires every certificate of a VIN that is neither the ACTIVE one nor a pending one that can
     * still activate (newer than the active one and handed out under the authorization in force).
     */
    void sweep(String vin) {
        Optional<ProvisioningStore.VehicleState> found = store.state(vin);
        String active = found.map(f -> f.vehicle().activeCertificateId()).orElse(null);
        long activeGeneration = found.map(f -> f.vehicle().activeGeneration()).orElse(0L);
        long deadThrough = found.map(ProvisioningStore.VehicleState::deadThrough).orElse(0L);
        for (ProvisionedCertificate row : store.certificates(vin)) {
            if (row.certificateId().equals(active)) {
                continue;
            }
            boolean retire = switch (row.status()) {
                case INACTIVE -> true;
                case PENDING_ACTIVATION -> (row.generation() < activeGeneration || row.generation() <= deadThrough)
                        && store.retirePending(vin, row.certificateId());
                default -> false;
            };
            if (retire) {
                try {
                    retire(store.certificate(vin, row.certificateId()).orElse(row));
                } catch (IotConflictException e) {
                    // IoT is still registering it (RegisterThing activates it); its own thing event will retire it.
                    LOG.info("could not retire certificate {} of {} yet: {}", row.certificateId(), vin, e.getMessage());
                }
            }
        }
    }

    /** Deactivates, detaches and deletes an INACTIVE row's certificate in IoT, then marks the row DELETED. */
    void retire(ProvisionedCertificate row) {
        ensureGoneFromIot(row.vin(), row.thingName() == null ? row.vin() : row.thingName(), row.certificateId());
        if (row.status() != CertificateStatus.DELETED) {
            store.markDeleted(row.vin(), row.certificateId());
        }
    }

    /** @param thing the thing to detach it from, or null when it is attached to none */
    private void ensureGoneFromIot(String vin, String thing, String certificateId) {
        Optional<IotCertificate> cert = iot.describeCertificate(certificateId);
        if (cert.isEmpty()) {
            return;
        }
        try {
            if (cert.get().status() == IotCertificateStatus.ACTIVE) {
                iot.updateCertificateStatus(certificateId, IotCertificateStatus.INACTIVE);
            }
            if (thing != null && iot.thingPrincipals(thing).contains(cert.get().arn())) {
                iot.detachThingPrincipal(thing, cert.get().arn());
            }
            iot.deleteCertificate(certificateId);
            LOG.info("certificate {} of {} deactivated, detached and deleted", certificateId, vin);
        } catch (IotNotFoundException e) {
            LOG.debug("certificate {} already gone from IoT", certificateId);
        }
    }

    private static PreProvisionDecision refuse(PreProvisionRequest request, String reason) {
        LOG.info("pre-provisioning refused certificate {} (client {}): {}", shortId(request.certificateId()),
                shortId(request.clientId()), reason);
        return PreProvisionDecision.refuse(reason);
    }

    private static String shortId(String id) {
        if (id == null) {
            return "-";
        }
        return id.length() > 70 ? Printable.clip(id, 16) + "(" + id.length() + " chars)" : Printable.clip(id, 70);
    }
}
