package io.cms.provisioning.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.testutils.InMemorySecretStore;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClaimCertificatesTest {

    static final String SECRET = "cms/provisioning/provisioning-credentials";
    static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/stack-key";
    static final String POLICY = "cms-provisioning-claim-cert-provisioning-policy";

    private final InMemoryIotRegistry iot = new InMemoryIotRegistry();
    private final InMemorySecretStore secrets = new InMemorySecretStore();
    private final ClaimCertificates certificates = new ClaimCertificates(iot, secrets);

    @BeforeEach
    void policy() {
        iot.createPolicy(POLICY);
    }

    private ClaimCredentials stored() {
        return ClaimCredentials.fromSecretString(secrets.valueAt(SECRET, SecretStore.CURRENT).orElseThrow().value());
    }

    @Test
    void createMintsACertificateKeepsItInTheSecretUnderTheKeyAndMakesItUsable() {
        ClaimCertificates.Installed installed = certificates.install(SECRET, KEY, POLICY);

        ClaimCredentials stored = stored();
        assertThat(stored.certificateId()).isEqualTo(installed.certificateId());
        assertThat(stored.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(secrets.kmsKeyId(SECRET)).isEqualTo(KEY);
        assertThat(installed.secretArn()).startsWith("arn:aws:secretsmanager:");
        assertThat(iot.describeCertificate(installed.certificateId())).map(IotCertificate::status)
                .contains(IotCertificateStatus.ACTIVE);
        assertThat(iot.attachedPolicies(installed.certificateArn())).containsExactly(POLICY);
    }

    @Test
    void createLoadsTheCertificateOfAnExistingSecretInsteadOfMintingOne() {
        ClaimCredentials kept = iot.createKeysAndCertificate();
        secrets.create(SECRET, KEY, "kept", kept.toSecretString());

        ClaimCertificates.Installed installed = certificates.install(SECRET, KEY, POLICY);

        assertThat(installed.certificateId()).isEqualTo(kept.certificateId());
        assertThat(iot.certificates()).hasSize(1);
        assertThat(iot.certificates().get(0).status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void createAfterAStackDeletionRegistersTheKeptCertificateAgain() {
        String first = certificates.install(SECRET, KEY, POLICY).certificateId();
        certificates.remove(SECRET);
        assertThat(iot.certificates()).isEmpty();

        ClaimCertificates.Installed again = certificates.install(SECRET, KEY, POLICY);

        assertThat(again.certificateId()).isEqualTo(first);
        assertThat(stored().certificateId()).isEqualTo(first);
        assertThat(iot.describeCertificate(first)).map(IotCertificate::status).contains(IotCertificateStatus.ACTIVE);
        assertThat(iot.attachedPolicies(again.certificateArn())).containsExactly(POLICY);
    }

    @Test
    void updateRunsAgainWithoutMintingOrAttachingTwice() {
        ClaimCertificates.Installed first = certificates.install(SECRET, KEY, POLICY);

        ClaimCertificates.Installed second = certificates.install(SECRET, KEY, POLICY);

        assertThat(second).isEqualTo(first);
        assertThat(iot.certificates()).hasSize(1);
        assertThat(iot.attachedPolicies(first.certificateArn())).containsExactly(POLICY);
        assertThat(secrets.versionsWithValue(SECRET)).isEqualTo(1);
    }

    @Test
    void createReactivatesAnInactiveClaimCertificate() {
        ClaimCertificates.Installed first = certificates.install(SECRET, KEY, POLICY);
        iot.updateCertificateStatus(first.certificateId(), IotCertificateStatus.INACTIVE);

        certificates.install(SECRET, KEY, POLICY);

        assertThat(iot.describeCertificate(first.certificateId())).map(IotCertificate::status)
                .contains(IotCertificateStatus.ACTIVE);
    }

    @Test
    void aKeptSecretUnderAnotherKeyIsReencryptedUnderTheStacksKey() {
        ClaimCredentials kept = iot.createKeysAndCertificate();
        secrets.create(SECRET, "arn:aws:kms:us-east-1:123456789012:key/old-key", "kept", kept.toSecretString());

        certificates.install(SECRET, KEY, POLICY);

        assertThat(secrets.kmsKeyId(SECRET)).isEqualTo(KEY);
        assertThat(stored()).isEqualTo(kept);
    }

    @Test
    void aSecretThatHoldsSomethingElseIsRefusedAndLeftUntouched() {
        secrets.create(SECRET, KEY, "someone else's", "{\"username\":\"admin\"}");

        assertThatThrownBy(() -> certificates.install(SECRET, KEY, POLICY))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(SECRET).hasMessageContaining("certificateId");
        assertThat(secrets.valueAt(SECRET, SecretStore.CURRENT).orElseThrow().value()).isEqualTo("{\"username\":\"admin\"}");
        assertThat(iot.certificates()).isEmpty();
    }

    @Test
    void aSecretThatIsNotJsonIsRefusedWithoutQuotingIt() {
        secrets.create(SECRET, KEY, "broken", "-----BEGIN PRIVATE KEY----- not json");

        assertThatThrownBy(() -> certificates.install(SECRET, KEY, POLICY))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("not JSON").hasMessageNotContaining("PRIVATE KEY");
    }

    @Test
    void aFailedSecretCreationDeletesTheCertificateItCouldNotSave() {
        secrets.failNextWrite();

        assertThatThrownBy(() -> certificates.install(SECRET, KEY, POLICY)).hasMessageContaining("Throttling");

        assertThat(iot.certificates()).isEmpty();
        assertThat(secrets.describe(SECRET)).isEmpty();
    }

    @Test
    void aMissingClaimPolicyFailsTheCreateWithItsName() {
        assertThatThrownBy(() -> certificates.install(SECRET, KEY, "no-such-policy"))
                .isInstanceOf(IotNotFoundException.class).hasMessageContaining("no-such-policy");
    }

    @Test
    void deleteDetachesDeactivatesAndDeletesTheCertificateButKeepsTheSecret() {
        ClaimCertificates.Installed installed = certificates.install(SECRET, KEY, POLICY);

        certificates.remove(SECRET);

        assertThat(iot.describeCertificate(installed.certificateId())).isEmpty();
        assertThat(stored().certificateId()).isEqualTo(installed.certificateId());
    }

    @Test
    void deleteSucceedsWhenTheCertificateIsAlreadyGone() {
        ClaimCertificates.Installed installed = certificates.install(SECRET, KEY, POLICY);
        iot.updateCertificateStatus(installed.certificateId(), IotCertificateStatus.INACTIVE);
        iot.deleteCertificate(installed.certificateId());

        certificates.remove(SECRET);

        assertThat(iot.certificates()).isEmpty();
    }

    @Test
    void deleteSucceedsWhenTheSecretIsMissing() {
        certificates.remove(SECRET);

        assertThat(secrets.describe(SECRET)).isEmpty();
    }

    @Test
    void deleteLeavesOtherCertificatesAlone() {
        String vehicle = iot.createCertificate();
        iot.updateCertificateStatus(vehicle, IotCertificateStatus.ACTIVE);
        certificates.install(SECRET, KEY, POLICY);

        certificates.remove(SECRET);

        assertThat(iot.certificates()).extracting(IotCertificate::certificateId).isEqualTo(List.of(vehicle));
    }
}
