package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.testutils.DelegatingIotRegistry;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registration retried after its post-provisioning recorded the activation and then failed, where
 * that retry is allowed ({@link Provisioning.RetryAfterActivation#ALLOWED}, CMS Local).
 */
class ProvisioningRetryTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "1HGCM82633A004352";

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private Provisioning provisioning;
    /** How many of the next certificate status updates fail (e.g. IoT throttles the sweep). */
    private final AtomicInteger statusFailures = new AtomicInteger();
    private String older;
    private String cert;

    /** A provisioned VIN, re-authorized; a new certificate whose activation is recorded but whose sweep failed. */
    @BeforeEach
    void activationRecordedThenSweepFailed() {
        store = TABLES.newStore();
        iot = new InMemoryIotRegistry();
        provisioning = new Provisioning(store, new FlakyIot(), TEMPLATE, Provisioning.RetryAfterActivation.ALLOWED);
        store.authorize(VIN, "Honda", "Accord", "2003");
        older = Device.provision(iot, provisioning, VIN).certificateId();
        store.authorize(VIN, "Honda", "Accord", "2003");
        cert = iot.createCertificate();
        assertThat(preProvision(cert).allow()).isTrue();
        statusFailures.set(1);

        assertThatThrownBy(() -> postProvision(cert)).isInstanceOf(IllegalStateException.class);

        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(cert);
        assertThat(iot.describeCertificate(older).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void theRetryIsAllowedWithoutANewGenerationAndCompletesTheSweep() {
        long generations = store.state(VIN).orElseThrow().generationCounter();

        PreProvisionDecision again = preProvision(cert);

        assertThat(again.allow()).isTrue();
        assertThat(again.parameterOverrides()).containsEntry("vin", VIN);
        assertThat(store.state(VIN).orElseThrow().generationCounter()).isEqualTo(generations);
        assertThat(postProvision(cert)).isEqualTo(Provisioning.PostOutcome.ALREADY_ACTIVE);
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        assertThat(store.certificate(VIN, older).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(older)).isEmpty();
        assertThat(store.vehicle(VIN).orElseThrow().allowProvisioning()).isFalse();
    }

    @Test
    void byDefaultTheRetryIsRefusedAndNothingChanges() {
        Provisioning aws = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        long generations = store.state(VIN).orElseThrow().generationCounter();

        PreProvisionDecision again = aws.preProvision(new PreProvisionRequest(Device.CLAIM_CERTIFICATE_ID, cert, null,
                "client", Map.of("vin", VIN)));

        assertThat(again.allow()).isFalse();
        assertThat(store.state(VIN).orElseThrow().generationCounter()).isEqualTo(generations);
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @Test
    void theRetryOfACertificateRevokedInTheMeantimeIsRefused() {
        store.revoke(VIN);

        PreProvisionDecision again = preProvision(cert);

        assertThat(again.allow()).isFalse();
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.INACTIVE);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isNull();
    }

    @Test
    void theRetryOfACertificateReplacedInTheMeantimeIsRefusedEvenWhileTheVinIsAuthorizedAgain() {
        store.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result replacement = Device.provision(iot, provisioning, VIN);
        store.authorize(VIN, "Honda", "Accord", "2003");

        PreProvisionDecision again = preProvision(cert);

        assertThat(again.allow()).isFalse();
        assertThat(again.reason()).contains("already provisioned");
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(replacement.certificateId());
    }

    @Test
    void aRetryAfterAnotherAuthorizationIsAllowedAndActivatesNothingNew() {
        store.authorize(VIN, "Honda", "Accord", "2003");

        assertThat(preProvision(cert).allow()).isTrue();
        assertThat(postProvision(cert)).isEqualTo(Provisioning.PostOutcome.ALREADY_ACTIVE);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(cert);
        assertThat(iot.describeCertificate(older)).isEmpty();
    }

    private PreProvisionDecision preProvision(String certificateId) {
        return provisioning.preProvision(new PreProvisionRequest(Device.CLAIM_CERTIFICATE_ID, certificateId, null,
                "client", Map.of("vin", VIN)));
    }

    /** RegisterThing (when the certificate is not registered yet) and the thing event it raises. */
    private Provisioning.PostOutcome postProvision(String certificateId) {
        Map<String, String> attributes = Map.of(Provisioning.ATTR_VIN, VIN, Provisioning.ATTR_CERTIFICATE_ID,
                certificateId, Provisioning.ATTR_TEMPLATE, TEMPLATE);
        if (!iot.thingCertificateIds(VIN).contains(certificateId)) {
            iot.registerThing(VIN, attributes, certificateId, "policy");
        }
        return provisioning.postProvision(new ThingEvent("UPDATED", VIN, attributes));
    }

    /** The IoT fake, with status updates that fail while {@link #statusFailures} says so. */
    private final class FlakyIot extends DelegatingIotRegistry {
        FlakyIot() {
            super(iot);
        }

        @Override
        public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
            if (statusFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("IoT throttled UpdateCertificate");
            }
            super.updateCertificateStatus(certificateId, status);
        }
    }
}
