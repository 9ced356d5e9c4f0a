package io.cms.provisioning.iot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.provisioning.claim.ClaimCredentials;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryIotRegistryTest {

    private final InMemoryIotRegistry iot = new InMemoryIotRegistry();

    @Test
    void createsInactiveCertificatesWithIotShapedIds() {
        String id = iot.createCertificate();

        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(iot.describeCertificate(id).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
        assertThat(iot.describeCertificate(id).orElseThrow().arn()).isEqualTo("arn:aws:iot:us-east-1:123456789012:cert/" + id);
    }

    @Test
    void registerThingAttachesActivatesAndMergesAttributes() {
        String a = iot.createCertificate();
        String b = iot.createCertificate();
        InMemoryIotRegistry.ThingEventSnapshot first = iot.registerThing("T", Map.of("k", "1", "x", "a"), a, "p");
        InMemoryIotRegistry.ThingEventSnapshot second = iot.registerThing("T", Map.of("k", "2"), b, "p");

        assertThat(first.operation()).isEqualTo("CREATED");
        assertThat(second.operation()).isEqualTo("UPDATED");
        assertThat(second.attributes()).containsEntry("k", "2").containsEntry("x", "a");
        assertThat(iot.thingCertificateIds("T")).containsExactly(a, b);
        assertThat(iot.describeCertificate(b).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void refusesToDeleteAnActiveCertificate() {
        String id = iot.createCertificate();
        iot.updateCertificateStatus(id, IotCertificateStatus.ACTIVE);

        assertThatThrownBy(() -> iot.deleteCertificate(id)).isInstanceOf(IotConflictException.class).hasMessageContaining("ACTIVE");
        assertThat(iot.describeCertificate(id)).isPresent();
    }

    @Test
    void refusesToDeleteACertificateAttachedToAThing() {
        String id = iot.createCertificate();
        iot.registerThing("T", Map.of(), id, "p");
        iot.updateCertificateStatus(id, IotCertificateStatus.INACTIVE);

        assertThatThrownBy(() -> iot.deleteCertificate(id)).isInstanceOf(IotConflictException.class).hasMessageContaining("attached");
    }

    @Test
    void deletesAnInactiveDetachedCertificateWithItsPolicies() {
        String id = iot.createCertificate();
        String arn = iot.describeCertificate(id).orElseThrow().arn();
        iot.registerThing("T", Map.of(), id, "p");
        iot.updateCertificateStatus(id, IotCertificateStatus.INACTIVE);
        iot.detachThingPrincipal("T", arn);
        iot.deleteCertificate(id);

        assertThat(iot.describeCertificate(id)).isEmpty();
        assertThatThrownBy(() -> iot.deleteCertificate(id)).isInstanceOf(IotNotFoundException.class);
    }

    @Test
    void aRevokedCertificateCannotBeActivatedAgain() {
        String id = iot.createCertificate();
        iot.updateCertificateStatus(id, IotCertificateStatus.REVOKED);

        assertThatThrownBy(() -> iot.updateCertificateStatus(id, IotCertificateStatus.ACTIVE)).isInstanceOf(IotConflictException.class);
    }

    @Test
    void registeringWithADeletedCertificateFails() {
        String id = iot.createCertificate();
        iot.deleteCertificate(id);

        assertThatThrownBy(() -> iot.registerThing("T", Map.of(), id, "p")).isInstanceOf(IotNotFoundException.class);
        assertThat(iot.thingAttributes("T")).isEmpty();
    }

    @Test
    void claimCertificatesAreInactiveAndNamedByTheirFingerprint() {
        ClaimCredentials c = iot.createKeysAndCertificate();

        assertThat(c.certificateId()).matches("[0-9a-f]{64}");
        assertThat(c.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(c.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(iot.describeCertificate(c.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
    }

    @Test
    void registeringTheSameCertificateAgainGivesTheSameIdOnlyAfterItWasDeleted() {
        ClaimCredentials c = iot.createKeysAndCertificate();

        assertThatThrownBy(() -> iot.registerCertificate(c.certificatePem(), IotCertificateStatus.ACTIVE))
                .isInstanceOf(IotConflictException.class);
        iot.deleteCertificate(c.certificateId());
        IotCertificate again = iot.registerCertificate(c.certificatePem(), IotCertificateStatus.ACTIVE);

        assertThat(again.certificateId()).isEqualTo(c.certificateId());
        assertThat(again.status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void onlyExistingPoliciesCanBeAttachedAndAttachingTwiceIsANoOp() {
        ClaimCredentials c = iot.createKeysAndCertificate();
        assertThatThrownBy(() -> iot.attachPolicy("missing", c.certificateArn())).isInstanceOf(IotNotFoundException.class);
        iot.createPolicy("claim");

        iot.attachPolicy("claim", c.certificateArn());
        iot.attachPolicy("claim", c.certificateArn());

        assertThat(iot.attachedPolicies(c.certificateArn())).containsExactly("claim");
    }

    @Test
    void refusesToRegisterSomethingThatIsNotAPemCertificate() {
        assertThatThrownBy(() -> iot.registerCertificate("not a certificate!", IotCertificateStatus.ACTIVE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PEM");
    }
}
