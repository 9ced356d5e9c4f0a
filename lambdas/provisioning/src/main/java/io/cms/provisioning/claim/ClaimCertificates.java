package io.cms.provisioning.claim;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.IotNotFoundException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared claim certificate's lifecycle. The certificate and its key live in one secret, which
 * outlives the stack: devices are built with the claim certificate, so a re-installed stack must
 * register the same certificate again rather than mint a new one.
 *
 * <ul>
 *   <li>{@link #install}: load the credentials from the secret, or create a certificate and the
 *       secret; make sure IoT holds the certificate (registering it again after a stack deletion),
 *       that it is ACTIVE and that the claim policy is attached. Every step is idempotent.</li>
 *   <li>{@link #remove}: for every certificate the secret names (current, pending, previous):
 *       detach its policies, deactivate it, delete it. A certificate or secret that is already
 *       gone is not an error, so a stack deletion never fails on it.</li>
 * </ul>
 */
public final class ClaimCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimCertificates.class);
    static final String SECRET_DESCRIPTION =
            "CMS Vehicle Provisioning claim certificate and private key (fleet provisioning by claim)";

    /**
     * What {@link #install} set up.
     *
     * @param secretArn the secret's ARN
     * @param certificateId the claim certificate's id
     * @param certificateArn the claim certificate's ARN
     */
    public record Installed(String secretArn, String certificateId, String certificateArn) {
    }

    private final ClaimCertificateIot iot;
    private final SecretStore secrets;

    public ClaimCertificates(ClaimCertificateIot iot, SecretStore secrets) {
        this.iot = iot;
        this.secrets = secrets;
    }

    /**
     * Loads or creates the claim certificate and makes it usable for fleet provisioning.
     *
     * @param secretName the secret's name ({@code {app}/provisioning/provisioning-credentials})
     * @param kmsKeyId the key the secret is (re-)encrypted with
     * @param policyName the claim policy to attach
     * @throws BadInputException when the secret exists but does not hold claim credentials (it is left untouched)
     */
    public Installed install(String secretName, String kmsKeyId, String policyName) {
        Optional<SecretStore.Description> existing = secrets.describe(secretName);
        ClaimCredentials credentials;
        String secretArn;
        if (existing.isEmpty()) {
            credentials = iot.createKeysAndCertificate();
            try {
                secretArn = secrets.create(secretName, kmsKeyId, SECRET_DESCRIPTION, credentials.toSecretString());
            } catch (RuntimeException e) {
                discard(credentials);
                throw e;
            }
            LOG.info("created claim certificate {} and secret {}", credentials.certificateId(), secretName);
        } else {
            secretArn = existing.get().arn();
            Optional<SecretStore.Version> current = secrets.valueAt(secretName, SecretStore.CURRENT);
            if (current.isEmpty()) {
                credentials = iot.createKeysAndCertificate();
                try {
                    secrets.putValue(secretName, UUID.randomUUID().toString(), credentials.toSecretString(),
                            Set.of(SecretStore.CURRENT));
                } catch (RuntimeException e) {
                    discard(credentials);
                    throw e;
                }
                LOG.info("created claim certificate {} in the empty secret {}", credentials.certificateId(), secretName);
            } else {
                credentials = read(secretName, current.get());
                if (kmsKeyId != null && !kmsKeyId.equals(existing.get().kmsKeyId())) {
                    // A secret kept from an earlier installation: new versions go under this stack's key.
                    secrets.reencrypt(secretName, kmsKeyId, credentials.toSecretString());
                }
                LOG.info("loaded claim certificate {} from secret {}", credentials.certificateId(), secretName);
            }
        }

        IotCertificate certificate = iot.describeCertificate(credentials.certificateId()).orElse(null);
        if (certificate == null) {
            certificate = iot.registerCertificate(credentials.certificatePem(), IotCertificateStatus.ACTIVE);
            LOG.info("registered claim certificate {} in IoT again", certificate.certificateId());
            if (!certificate.arn().equals(credentials.certificateArn())) {
                secrets.reencrypt(secretName, kmsKeyId, credentials
                        .registeredAs(certificate.certificateId(), certificate.arn()).toSecretString());
            }
        } else if (certificate.status() != IotCertificateStatus.ACTIVE) {
            iot.updateCertificateStatus(certificate.certificateId(), IotCertificateStatus.ACTIVE);
        }
        iot.attachPolicy(policyName, certificate.arn());
        return new Installed(secretArn, certificate.certificateId(), certificate.arn());
    }

    /** Retires and deletes every certificate the secret names; the secret itself is kept. */
    public void remove(String secretName) {
        if (secrets.describe(secretName).isEmpty()) {
            LOG.info("secret {} does not exist; no claim certificate to delete", secretName);
            return;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String stage : List.of(SecretStore.CURRENT, SecretStore.PENDING, SecretStore.PREVIOUS)) {
            Optional<SecretStore.Version> version = secrets.valueAt(secretName, stage);
            if (version.isEmpty()) {
                continue;
            }
            ClaimCredentials credentials;
            try {
                credentials = read(secretName, version.get());
            } catch (BadInputException e) {
                LOG.warn("the {} version of {} holds no claim credentials ({}); skipped", stage, secretName, e.getMessage());
                continue;
            }
            if (seen.add(credentials.certificateId())) {
                delete(credentials.certificateId());
            }
        }
    }

    /** Detaches the certificate's policies, deactivates and deletes it; what is already gone is skipped. */
    void delete(String certificateId) {
        Optional<IotCertificate> certificate = iot.describeCertificate(certificateId);
        if (certificate.isEmpty()) {
            LOG.info("claim certificate {} is already deleted", certificateId);
            return;
        }
        for (String policy : iot.attachedPolicies(certificate.get().arn())) {
            iot.detachPolicy(policy, certificate.get().arn());
        }
        try {
            if (certificate.get().status() == IotCertificateStatus.ACTIVE) {
                iot.updateCertificateStatus(certificateId, IotCertificateStatus.INACTIVE);
            }
            iot.deleteCertificate(certificateId);
            LOG.info("deleted claim certificate {}", certificateId);
        } catch (IotNotFoundException e) {
            LOG.info("claim certificate {} disappeared while being deleted", certificateId);
        }
    }

    /** Sets the certificate INACTIVE; a missing certificate is logged, not an error. */
    void deactivate(String certificateId) {
        try {
            if (iot.describeCertificate(certificateId).map(c -> c.status() == IotCertificateStatus.ACTIVE).orElse(false)) {
                iot.updateCertificateStatus(certificateId, IotCertificateStatus.INACTIVE);
            }
        } catch (IotNotFoundException | IotConflictException e) {
            LOG.warn("could not deactivate claim certificate {}: {}", certificateId, e.getMessage());
        }
    }

    static ClaimCredentials read(String secretName, SecretStore.Version version) {
        try {
            return ClaimCredentials.fromSecretString(version.value());
        } catch (BadInputException e) {
            throw new BadInputException("secret " + secretName + " version " + version.versionId()
                    + " does not hold claim credentials: " + e.getMessage());
        }
    }

    private void discard(ClaimCredentials unsaved) {
        try {
            iot.deleteCertificate(unsaved.certificateId());
        } catch (RuntimeException e) {
            LOG.warn("could not delete unsaved INACTIVE certificate {}: {}", unsaved.certificateId(), e.getMessage());
        }
    }
}
