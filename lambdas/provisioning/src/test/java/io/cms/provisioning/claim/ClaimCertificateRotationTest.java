package io.cms.provisioning.claim;

import static io.cms.provisioning.claim.ClaimCertificateRotation.Step.createSecret;
import static io.cms.provisioning.claim.ClaimCertificateRotation.Step.finishSecret;
import static io.cms.provisioning.claim.ClaimCertificateRotation.Step.setSecret;
import static io.cms.provisioning.claim.ClaimCertificateRotation.Step.testSecret;
import static io.cms.provisioning.claim.ClaimCertificatesTest.KEY;
import static io.cms.provisioning.claim.ClaimCertificatesTest.POLICY;
import static io.cms.provisioning.claim.ClaimCertificatesTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.testutils.InMemorySecretStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClaimCertificateRotationTest {

    private final InMemoryIotRegistry iot = new InMemoryIotRegistry();
    private final InMemorySecretStore secrets = new InMemorySecretStore();
    private final ClaimCertificateRotation rotation = new ClaimCertificateRotation(iot, secrets, POLICY);
    private ClaimCertificates.Installed old;

    @BeforeEach
    void installed() {
        iot.createPolicy(POLICY);
        old = new ClaimCertificates(iot, secrets).install(SECRET, KEY, POLICY);
        secrets.enableRotation(SECRET);
    }

    private ClaimCredentials at(String stage) {
        return ClaimCredentials.fromSecretString(secrets.valueAt(SECRET, stage).orElseThrow().value());
    }

    private IotCertificateStatus status(String certificateId) {
        return iot.describeCertificate(certificateId).map(IotCertificate::status).orElseThrow();
    }

    private String rotateFully() {
        String token = secrets.startRotation(SECRET);
        for (ClaimCertificateRotation.Step step : ClaimCertificateRotation.Step.values()) {
            rotation.rotate(SECRET, token, step);
        }
        return token;
    }

    @Test
    void aRotationMakesTheNewCertificateCurrentAndRetiresTheOld() {
        rotateFully();

        ClaimCredentials current = at(SecretStore.CURRENT);
        assertThat(current.certificateId()).isNotEqualTo(old.certificateId());
        assertThat(status(current.certificateId())).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(iot.attachedPolicies(current.certificateArn())).contains(POLICY);
        assertThat(status(old.certificateId())).isEqualTo(IotCertificateStatus.INACTIVE);
        assertThat(at(SecretStore.PREVIOUS).certificateId()).isEqualTo(old.certificateId());
    }

    @Test
    void setSecretCopiesEveryPolicyOfTheOldCertificate() {
        iot.createPolicy("fleet-extra");
        iot.attachPolicy("fleet-extra", old.certificateArn());
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);

        rotation.rotate(SECRET, token, setSecret);

        ClaimCredentials pending = at(SecretStore.PENDING);
        assertThat(iot.attachedPolicies(pending.certificateArn())).containsExactlyInAnyOrder(POLICY, "fleet-extra");
        assertThat(status(pending.certificateId())).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void aRetriedCreateSecretDoesNotMintASecondCertificate() {
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);
        String pending = at(SecretStore.PENDING).certificateId();

        rotation.rotate(SECRET, token, createSecret);

        assertThat(at(SecretStore.PENDING).certificateId()).isEqualTo(pending);
        assertThat(iot.certificates()).hasSize(2);
    }

    @Test
    void aCreateSecretWhoseSecretWriteFailsDeletesTheNewCertificate() {
        String token = secrets.startRotation(SECRET);
        secrets.failNextWrite();

        assertThatThrownBy(() -> rotation.rotate(SECRET, token, createSecret)).hasMessageContaining("Throttling");

        assertThat(iot.certificates()).extracting(IotCertificate::certificateId).containsExactly(old.certificateId());
    }

    @Test
    void testSecretFailsWhileTheNewCertificateIsInactive() {
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);

        assertThatThrownBy(() -> rotation.rotate(SECRET, token, testSecret))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not ACTIVE");
    }

    @Test
    void testSecretFailsWhenTheNewCertificateLacksTheClaimPolicy() {
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);
        rotation.rotate(SECRET, token, setSecret);
        iot.detachPolicy(POLICY, at(SecretStore.PENDING).certificateArn());

        assertThatThrownBy(() -> rotation.rotate(SECRET, token, testSecret))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(POLICY);
    }

    @Test
    void aFailedFinishSecretLeavesTheOldCertificateCurrentAndActive() {
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);
        rotation.rotate(SECRET, token, setSecret);
        rotation.rotate(SECRET, token, testSecret);
        secrets.failNextWrite();

        assertThatThrownBy(() -> rotation.rotate(SECRET, token, finishSecret)).hasMessageContaining("Throttling");

        assertThat(at(SecretStore.CURRENT).certificateId()).isEqualTo(old.certificateId());
        assertThat(status(old.certificateId())).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void aRetriedFinishSecretAfterTheLabelMovedStillRetiresTheOldCertificate() {
        String token = secrets.startRotation(SECRET);
        rotation.rotate(SECRET, token, createSecret);
        rotation.rotate(SECRET, token, setSecret);
        rotation.rotate(SECRET, token, testSecret);
        // The first finishSecret moved AWSCURRENT, then its container died before retiring the old certificate.
        String currentVersion = secrets.valueAt(SECRET, SecretStore.CURRENT).orElseThrow().versionId();
        secrets.moveStage(SECRET, SecretStore.CURRENT, token, currentVersion);
        assertThat(status(old.certificateId())).isEqualTo(IotCertificateStatus.ACTIVE);

        rotation.rotate(SECRET, token, finishSecret);

        assertThat(status(old.certificateId())).isEqualTo(IotCertificateStatus.INACTIVE);
        assertThat(status(at(SecretStore.CURRENT).certificateId())).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void aSecondRotationDeletesTheCertificateRetiredByTheFirst() {
        rotateFully();
        String second = at(SecretStore.CURRENT).certificateId();

        rotateFully();

        String third = at(SecretStore.CURRENT).certificateId();
        assertThat(iot.describeCertificate(old.certificateId())).isEmpty();
        assertThat(status(second)).isEqualTo(IotCertificateStatus.INACTIVE);
        assertThat(status(third)).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(iot.certificates()).hasSize(2);
    }

    @Test
    void stackDeletionAfterARotationDeletesTheCurrentAndThePreviousCertificate() {
        rotateFully();

        new ClaimCertificates(iot, secrets).remove(SECRET);

        assertThat(iot.certificates()).isEmpty();
    }

    @Test
    void aTokenThatIsNotAVersionOfTheSecretIsRefused() {
        assertThatThrownBy(() -> rotation.rotate(SECRET, "not-a-version", createSecret))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not-a-version");
        assertThat(iot.certificates()).hasSize(1);
    }

    @Test
    void aSecretWithoutRotationIsRefused() {
        InMemorySecretStore other = new InMemorySecretStore();
        other.create(SECRET, KEY, "no rotation", at(SecretStore.CURRENT).toSecretString());
        String token = other.startRotation(SECRET);

        assertThatThrownBy(() -> new ClaimCertificateRotation(iot, other, POLICY).rotate(SECRET, token, createSecret))
                .isInstanceOf(BadInputException.class).hasMessageContaining("rotation enabled");
    }

    @Test
    void anUnknownStepIsRefusedByName() {
        assertThatThrownBy(() -> ClaimCertificateRotation.Step.parse("rotateEverything"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("rotateEverything")
                .hasMessageContaining("finishSecret");
    }
}
