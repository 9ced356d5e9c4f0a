package io.cms.provisioning.claim;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the claim certificate by Secrets Manager's four-step protocol. Secrets Manager retries a
 * step that failed, so each step first checks whether its work is already done.
 *
 * <ol>
 *   <li>{@code createSecret}: a new INACTIVE certificate with its keys, put as the AWSPENDING
 *       version of the rotation's token (nothing new if that version already has a value).</li>
 *   <li>{@code setSecret}: the new certificate gets every policy of the current one (and the claim
 *       policy), then becomes ACTIVE in IoT.</li>
 *   <li>{@code testSecret}: IoT describes the new certificate as ACTIVE with all those policies.</li>
 *   <li>{@code finishSecret}: the certificate retired by the previous rotation is deleted, the new
 *       version becomes AWSCURRENT, and the old certificate is retired (INACTIVE, kept as
 *       AWSPREVIOUS for one rotation so it can be re-activated if a device line still needs it).</li>
 * </ol>
 */
public final class ClaimCertificateRotation {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimCertificateRotation.class);

    /** The four steps Secrets Manager calls. */
    public enum Step {
        createSecret, setSecret, testSecret, finishSecret;

        /** Parses a step name, or a {@link BadInputException} naming the valid ones. */
        public static Step parse(String name) {
            for (Step s : values()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
            throw new BadInputException("unknown rotation step '" + name + "' (createSecret, setSecret, testSecret, finishSecret)");
        }
    }

    private final ClaimCertificateIot iot;
    private final SecretStore secrets;
    private final ClaimCertificates certificates;
    private final String claimPolicyName;

    public ClaimCertificateRotation(ClaimCertificateIot iot, SecretStore secrets, String claimPolicyName) {
        this.iot = iot;
        this.secrets = secrets;
        this.certificates = new ClaimCertificates(iot, secrets);
        this.claimPolicyName = claimPolicyName;
    }

    /**
     * Runs one step for the rotation identified by {@code token}.
     *
     * @throws BadInputException when the secret does not rotate, or the token is not a version of it
     * @throws IllegalStateException when testSecret finds the new certificate unusable
     */
    public void rotate(String secretId, String token, Step step) {
        SecretStore.Description secret = secrets.describe(secretId)
                .orElseThrow(() -> new BadInputException("secret " + secretId + " does not exist"));
        if (!secret.rotationEnabled()) {
            throw new BadInputException("secret " + secretId + " does not have rotation enabled");
        }
        Set<String> stages = secret.versionStages().get(token);
        if (stages == null) {
            throw new BadInputException("secret " + secretId + " has no version " + token + " to rotate to");
        }
        if (stages.contains(SecretStore.CURRENT)) {
            if (step == Step.finishSecret) {
                // A retried finishSecret: the label moved, make sure the old certificate was retired.
                secrets.valueAt(secretId, SecretStore.PREVIOUS)
                        .map(v -> ClaimCertificates.read(secretId, v).certificateId())
                        .filter(id -> !id.equals(pending(secretId, token, SecretStore.CURRENT).certificateId()))
                        .ifPresent(certificates::deactivate);
            }
            LOG.info("version {} of {} is already AWSCURRENT; {} has nothing to do", token, secretId, step);
            return;
        }
        if (!stages.contains(SecretStore.PENDING)) {
            throw new BadInputException("version " + token + " of " + secretId + " is not AWSPENDING");
        }
        switch (step) {
            case createSecret -> createSecret(secretId, token);
            case setSecret -> setSecret(secretId, token);
            case testSecret -> testSecret(secretId, token);
            case finishSecret -> finishSecret(secretId, token, secret);
        }
    }

    private void createSecret(String secretId, String token) {
        if (secrets.value(secretId, token, SecretStore.PENDING).isPresent()) {
            LOG.info("version {} of {} already holds a new certificate", token, secretId);
            return;
        }
        current(secretId);
        ClaimCredentials fresh = iot.createKeysAndCertificate();
        try {
            secrets.putValue(secretId, token, fresh.toSecretString(), Set.of(SecretStore.PENDING));
        } catch (RuntimeException e) {
            certificates.delete(fresh.certificateId());
            throw e;
        }
        LOG.info("created claim certificate {} as AWSPENDING version {} of {}", fresh.certificateId(), token, secretId);
    }

    private void setSecret(String secretId, String token) {
        ClaimCredentials pending = pending(secretId, token, SecretStore.PENDING);
        IotCertificate certificate = iot.describeCertificate(pending.certificateId())
                .orElseThrow(() -> new IllegalStateException("the pending claim certificate " + pending.certificateId()
                        + " is not in IoT"));
        for (String policy : requiredPolicies(secretId)) {
            iot.attachPolicy(policy, certificate.arn());
        }
        if (certificate.status() != IotCertificateStatus.ACTIVE) {
            iot.updateCertificateStatus(certificate.certificateId(), IotCertificateStatus.ACTIVE);
        }
    }

    private void testSecret(String secretId, String token) {
        ClaimCredentials pending = pending(secretId, token, SecretStore.PENDING);
        IotCertificate certificate = iot.describeCertificate(pending.certificateId())
                .orElseThrow(() -> new IllegalStateException("the pending claim certificate " + pending.certificateId()
                        + " is not in IoT"));
        if (certificate.status() != IotCertificateStatus.ACTIVE) {
            throw new IllegalStateException("the pending claim certificate " + certificate.certificateId() + " is "
                    + certificate.status() + ", not ACTIVE");
        }
        Set<String> missing = requiredPolicies(secretId);
        iot.attachedPolicies(certificate.arn()).forEach(missing::remove);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the pending claim certificate " + certificate.certificateId()
                    + " lacks the policies " + missing);
        }
    }

    private void finishSecret(String secretId, String token, SecretStore.Description secret) {
        ClaimCredentials fresh = pending(secretId, token, SecretStore.PENDING);
        Optional<String> currentVersion = secret.versionWith(SecretStore.CURRENT);
        ClaimCredentials old = current(secretId);
        // Keep at most two claim certificates: the one retired a rotation ago goes now.
        secrets.valueAt(secretId, SecretStore.PREVIOUS)
                .map(v -> ClaimCertificates.read(secretId, v).certificateId())
                .filter(id -> !id.equals(old.certificateId()) && !id.equals(fresh.certificateId()))
                .ifPresent(certificates::delete);
        secrets.moveStage(secretId, SecretStore.CURRENT, token, currentVersion.orElse(null));
        if (!old.certificateId().equals(fresh.certificateId())) {
            certificates.deactivate(old.certificateId());
        }
        LOG.info("claim certificate {} is current; {} retired", fresh.certificateId(), old.certificateId());
    }

    /** The current certificate's policies plus the claim policy. */
    private Set<String> requiredPolicies(String secretId) {
        Set<String> policies = new LinkedHashSet<>();
        policies.add(claimPolicyName);
        ClaimCredentials current = current(secretId);
        policies.addAll(iot.attachedPolicies(current.certificateArn()));
        return policies;
    }

    private ClaimCredentials current(String secretId) {
        SecretStore.Version v = secrets.valueAt(secretId, SecretStore.CURRENT)
                .orElseThrow(() -> new BadInputException("secret " + secretId + " has no AWSCURRENT version to rotate"));
        return ClaimCertificates.read(secretId, v);
    }

    private ClaimCredentials pending(String secretId, String token, String stage) {
        SecretStore.Version v = secrets.value(secretId, token, stage)
                .orElseThrow(() -> new IllegalStateException("version " + token + " of " + secretId
                        + " has no value; createSecret has not run"));
        return ClaimCertificates.read(secretId, v);
    }
}
