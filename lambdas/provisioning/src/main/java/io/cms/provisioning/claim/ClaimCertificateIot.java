package io.cms.provisioning.claim;

import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.IotNotFoundException;
import java.util.List;
import java.util.Optional;

/**
 * The AWS IoT operations the claim certificate's lifecycle needs, each on one certificate or one
 * policy. Implementations follow IoT's rules: the certificate id is the SHA-256 fingerprint of the
 * certificate, so registering the same certificate again gives the same id; an ACTIVE certificate
 * cannot be deleted; attaching a policy that is already attached is a no-op.
 */
public interface ClaimCertificateIot {

    /** {@code CreateKeysAndCertificate} with {@code setAsActive=false}: a new INACTIVE certificate and its keys. */
    ClaimCredentials createKeysAndCertificate();

    /**
     * {@code RegisterCertificateWithoutCA}: registers a certificate IoT does not hold (again), with the
     * given status.
     *
     * @throws IotConflictException when IoT already holds this certificate
     */
    IotCertificate registerCertificate(String certificatePem, IotCertificateStatus status);

    /** The certificate, or empty when IoT does not hold it. */
    Optional<IotCertificate> describeCertificate(String certificateId);

    /**
     * Sets the certificate's status.
     *
     * @throws IotNotFoundException when the certificate does not exist
     */
    void updateCertificateStatus(String certificateId, IotCertificateStatus status);

    /**
     * Attaches a policy to a certificate; attaching it again is a no-op.
     *
     * @throws IotNotFoundException when the policy or the certificate does not exist
     */
    void attachPolicy(String policyName, String certificateArn);

    /** Detaches a policy; detaching one that is not attached is a no-op. */
    void detachPolicy(String policyName, String certificateArn);

    /** The names of the policies attached to a certificate (empty when it does not exist). */
    List<String> attachedPolicies(String certificateArn);

    /**
     * Deletes a certificate (forced: attached policies go with it).
     *
     * @throws IotConflictException when it is ACTIVE
     * @throws IotNotFoundException when it does not exist
     */
    void deleteCertificate(String certificateId);
}
