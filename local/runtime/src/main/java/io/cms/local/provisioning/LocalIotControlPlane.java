package io.cms.local.provisioning;

import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.IotRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Provisioning module's view of the IoT control plane ({@link IotRegistry}), served by CMS
 * Local's registry, so the provisioning domain runs unchanged. Certificate ARNs use the
 * {@code local} region and account {@code 000000000000}.
 *
 * <p>A certificate deactivated, revoked or deleted here (e.g. the activation of a re-authorized
 * VIN's new certificate retiring the old one) loses its connections, as in IoT Core: the registry
 * reports the change to its {@link LocalIotRegistry#onCertificateRetired listeners}.
 */
public final class LocalIotControlPlane implements IotRegistry {

    /** Prefix of the certificate ARNs this registry hands out. */
    public static final String CERT_ARN_PREFIX = "arn:aws:iot:local:000000000000:cert/";

    private final LocalIotRegistry registry;

    public LocalIotControlPlane(LocalIotRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Optional<IotCertificate> describeCertificate(String certificateId) {
        return registry.certificate(certificateId)
                .map(c -> new IotCertificate(c.certificateId(), CERT_ARN_PREFIX + c.certificateId(), status(c.status())));
    }

    @Override
    public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        if (registry.certificate(certificateId).isEmpty()) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist");
        }
        if (status != IotCertificateStatus.ACTIVE && status != IotCertificateStatus.INACTIVE
                && status != IotCertificateStatus.REVOKED) {
            throw new IllegalArgumentException("UpdateCertificate cannot set status " + status);
        }
        try {
            registry.setStatus(certificateId, LocalIotRegistry.Status.valueOf(status.name()));
        } catch (LocalIotRegistry.RevokedException e) {
            throw new IotConflictException(e.getMessage());
        }
    }

    @Override
    public List<String> thingPrincipals(String thingName) {
        return registry.certificatesOf(thingName).stream().map(c -> CERT_ARN_PREFIX + c.certificateId()).toList();
    }

    @Override
    public void detachThingPrincipal(String thingName, String certificateArn) {
        if (registry.thing(thingName).isEmpty()) {
            throw new IotNotFoundException("thing " + thingName + " does not exist");
        }
        registry.detach(thingName, certificateIdOf(certificateArn));
    }

    @Override
    public void deleteCertificate(String certificateId) {
        try {
            if (!registry.delete(certificateId)) {
                throw new IotNotFoundException("certificate " + certificateId + " does not exist");
            }
        } catch (IllegalStateException e) {
            throw new IotConflictException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<Map<String, String>> thingAttributes(String thingName) {
        return registry.thing(thingName);
    }

    private static String certificateIdOf(String arn) {
        int slash = arn.lastIndexOf('/');
        return slash < 0 ? arn : arn.substring(slash + 1);
    }

    private static IotCertificateStatus status(LocalIotRegistry.Status status) {
        return switch (status) {
            case ACTIVE -> IotCertificateStatus.ACTIVE;
            case INACTIVE -> IotCertificateStatus.INACTIVE;
            case REVOKED -> IotCertificateStatus.REVOKED;
            case PENDING_ACTIVATION -> IotCertificateStatus.PENDING_ACTIVATION;
        };
    }
}
