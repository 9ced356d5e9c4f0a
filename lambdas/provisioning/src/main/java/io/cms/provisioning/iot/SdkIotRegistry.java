package io.cms.provisioning.iot;

import io.cms.lambda.common.AwsClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CertificateDescription;
import software.amazon.awssdk.services.iot.model.CertificateStateException;
import software.amazon.awssdk.services.iot.model.CertificateStatus;
import software.amazon.awssdk.services.iot.model.DeleteConflictException;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;

/** {@link IotRegistry} on the AWS IoT control plane (SDK v2). Every call names one certificate or one thing. */
public final class SdkIotRegistry implements IotRegistry {

    private final IotClient iot;

    /** A registry on a client built the project's way (region, user agent, endpoint from the environment). */
    public SdkIotRegistry() {
        this(AwsClients.build(IotClient.builder()));
    }

    public SdkIotRegistry(IotClient iot) {
        this.iot = iot;
    }

    @Override
    public Optional<IotCertificate> describeCertificate(String certificateId) {
        try {
            CertificateDescription d = iot.describeCertificate(b -> b.certificateId(certificateId)).certificateDescription();
            return Optional.of(new IotCertificate(d.certificateId(), d.certificateArn(), status(d.status())));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        CertificateStatus target = switch (status) {
            case ACTIVE -> CertificateStatus.ACTIVE;
            case INACTIVE -> CertificateStatus.INACTIVE;
            case REVOKED -> CertificateStatus.REVOKED;
            default -> throw new IllegalArgumentException("UpdateCertificate cannot set status " + status);
        };
        try {
            iot.updateCertificate(b -> b.certificateId(certificateId).newStatus(target));
        } catch (ResourceNotFoundException e) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist", e);
        } catch (CertificateStateException e) {
            throw new IotConflictException("certificate " + certificateId + " cannot become " + status + ": "
                    + e.awsErrorDetails().errorMessage(), e);
        }
    }

    @Override
    public List<String> thingPrincipals(String thingName) {
        try {
            List<String> out = new ArrayList<>();
            iot.listThingPrincipalsPaginator(b -> b.thingName(thingName)).principals().forEach(out::add);
            return out;
        } catch (ResourceNotFoundException e) {
            return List.of();
        }
    }

    @Override
    public void detachThingPrincipal(String thingName, String certificateArn) {
        try {
            iot.detachThingPrincipal(b -> b.thingName(thingName).principal(certificateArn));
        } catch (ResourceNotFoundException e) {
            throw new IotNotFoundException("thing " + thingName + " or principal does not exist", e);
        }
    }

    @Override
    public void deleteCertificate(String certificateId) {
        try {
            iot.deleteCertificate(b -> b.certificateId(certificateId).forceDelete(true));
        } catch (ResourceNotFoundException e) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist", e);
        } catch (CertificateStateException | DeleteConflictException e) {
            throw new IotConflictException("certificate " + certificateId + " cannot be deleted: "
                    + e.awsErrorDetails().errorMessage(), e);
        }
    }

    @Override
    public Optional<Map<String, String>> thingAttributes(String thingName) {
        try {
            return Optional.of(Map.copyOf(iot.describeThing(b -> b.thingName(thingName)).attributes()));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private static IotCertificateStatus status(CertificateStatus s) {
        if (s == null) {
            return IotCertificateStatus.OTHER;
        }
        return switch (s) {
            case ACTIVE -> IotCertificateStatus.ACTIVE;
            case INACTIVE -> IotCertificateStatus.INACTIVE;
            case REVOKED -> IotCertificateStatus.REVOKED;
            case PENDING_ACTIVATION -> IotCertificateStatus.PENDING_ACTIVATION;
            default -> IotCertificateStatus.OTHER;
        };
    }
}
