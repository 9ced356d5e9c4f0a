package io.cms.provisioning.iot;

import io.cms.lambda.common.AwsClients;
import io.cms.provisioning.claim.ClaimCertificateIot;
import io.cms.provisioning.claim.ClaimCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.CertificateDescription;
import software.amazon.awssdk.services.iot.model.CertificateStateException;
import software.amazon.awssdk.services.iot.model.CertificateStatus;
import software.amazon.awssdk.services.iot.model.CreateKeysAndCertificateResponse;
import software.amazon.awssdk.services.iot.model.Policy;
import software.amazon.awssdk.services.iot.model.RegisterCertificateWithoutCaResponse;
import software.amazon.awssdk.services.iot.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.iot.model.DeleteConflictException;
import software.amazon.awssdk.services.iot.model.ResourceNotFoundException;

/**
 * {@link IotRegistry} and {@link ClaimCertificateIot} on the AWS IoT control plane (SDK v2). Every
 * call names one certificate, one thing or one policy.
 */
public final class SdkIotRegistry implements IotRegistry, ClaimCertificateIot {

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

    @Override
    public ClaimCredentials createKeysAndCertificate() {
        CreateKeysAndCertificateResponse r = iot.createKeysAndCertificate(b -> b.setAsActive(false));
        return new ClaimCredentials(r.certificateId(), r.certificateArn(), r.certificatePem(),
                r.keyPair().publicKey(), r.keyPair().privateKey());
    }

    @Override
    public IotCertificate registerCertificate(String certificatePem, IotCertificateStatus status) {
        CertificateStatus target = switch (status) {
            case ACTIVE -> CertificateStatus.ACTIVE;
            case INACTIVE -> CertificateStatus.INACTIVE;
            default -> throw new IllegalArgumentException("RegisterCertificateWithoutCA cannot set status " + status);
        };
        try {
            RegisterCertificateWithoutCaResponse r = iot.registerCertificateWithoutCA(
                    b -> b.certificatePem(certificatePem).status(target));
            return new IotCertificate(r.certificateId(), r.certificateArn(), status);
        } catch (ResourceAlreadyExistsException e) {
            throw new IotConflictException("the certificate is already registered: " + e.awsErrorDetails().errorMessage(), e);
        }
    }

    @Override
    public void attachPolicy(String policyName, String certificateArn) {
        try {
            iot.attachPolicy(b -> b.policyName(policyName).target(certificateArn));
        } catch (ResourceNotFoundException e) {
            throw new IotNotFoundException("policy " + policyName + " or certificate " + certificateArn
                    + " does not exist", e);
        }
    }

    @Override
    public void detachPolicy(String policyName, String certificateArn) {
        try {
            iot.detachPolicy(b -> b.policyName(policyName).target(certificateArn));
        } catch (ResourceNotFoundException e) {
            // Already gone: what detaching wanted.
        }
    }

    @Override
    public List<String> attachedPolicies(String certificateArn) {
        try {
            List<String> out = new ArrayList<>();
            iot.listAttachedPoliciesPaginator(b -> b.target(certificateArn)).policies().stream()
                    .map(Policy::policyName).forEach(out::add);
            return out;
        } catch (ResourceNotFoundException e) {
            return List.of();
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
