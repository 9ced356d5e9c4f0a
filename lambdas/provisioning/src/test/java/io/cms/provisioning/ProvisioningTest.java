package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisioningTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "1HGCM82633A004352";

    private LocalTables tables;
    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private Provisioning provisioning;

    @BeforeAll
    void startDynamo() {
        tables = new LocalTables();
    }

    @AfterAll
    void stopDynamo() {
        tables.close();
    }

    @BeforeEach
    void freshTables() {
        store = tables.newStore();
        iot = new InMemoryIotRegistry();
        provisioning = new Provisioning(store, iot, TEMPLATE);
        store.authorize(VIN, "Honda", "Accord", "2003");
    }

    private PreProvisionDecision preProvision(String certificateId, Map<String, String> parameters) {
        return provisioning.preProvision(new PreProvisionRequest(Device.CLAIM_CERTIFICATE_ID, certificateId, null,
                "client", parameters));
    }

    private void assertNothingWritten() {
        assertThat(tables.count(store.provisionedTable())).isZero();
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isNull();
    }

    @Test
    void allowsAnAuthorizedVinAndRecordsTheCertificatePending() {
        String cert = iot.createCertificate();
        PreProvisionDecision decision = preProvision(cert, Map.of("vin", VIN));

        assertThat(decision.allow()).isTrue();
        assertThat(decision.parameterOverrides()).containsEntry("vin", VIN);
        ProvisionedCertificate row = store.certificate(VIN, cert).orElseThrow();
        assertThat(row.status()).isEqualTo(CertificateStatus.PENDING_ACTIVATION);
        assertThat(row.thingName()).isEqualTo(VIN);
        assertThat(row.hasVehicleConnectedOnce()).isFalse();
        assertThat(row.generation()).isEqualTo(1);
    }

    @Test
    void refusesAnUnknownVinAndWritesNothing() {
        PreProvisionDecision decision = preProvision(iot.createCertificate(), Map.of("vin", "5YJSA1E26HF000337"));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).contains("not in the authorized-vehicle registry");
        assertThat(tables.count(store.provisionedTable())).isZero();
        assertThat(store.vehicle("5YJSA1E26HF000337")).isEmpty();
    }

    @Test
    void refusesAVinThatIsNotAllowedToProvision() {
        store.revoke(VIN);
        PreProvisionDecision decision = preProvision(iot.createCertificate(), Map.of("vin", VIN));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).contains("allow_provisioning is false");
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1hgcm82633a004352", "1HGCM-82633A00435", "1HGCM82633A00435O", " 1HGCM82633A004352"})
    void refusesMalformedVinsWithoutNormalisingThem(String vin) {
        PreProvisionDecision decision = preProvision(iot.createCertificate(), Map.of("vin", vin));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).contains("17 characters");
        assertNothingWritten();
    }

    @Test
    void refusesAThousandCharacterVinWithoutEchoingIt() {
        PreProvisionDecision decision = preProvision(iot.createCertificate(), Map.of("vin", "A".repeat(1000)));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).contains("1000 characters").hasSizeLessThan(200);
        assertNothingWritten();
    }

    @Test
    void refusesEmptyTemplateParameters() {
        PreProvisionDecision decision = preProvision(iot.createCertificate(), Map.of());

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).isEqualTo("template parameter 'vin' is missing");
        assertNothingWritten();
    }

    @Test
    void refusesAMalformedCertificateId() {
        PreProvisionDecision decision = preProvision("not-a-certificate", Map.of("vin", VIN));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).contains("64 lower-case hex");
        assertNothingWritten();
    }

    @Test
    void aRepeatedHookForThePendingCertificateIsAllowedAgainWithoutASecondRow() {
        String cert = iot.createCertificate();
        preProvision(cert, Map.of("vin", VIN));
        PreProvisionDecision again = preProvision(cert, Map.of("vin", VIN));

        assertThat(again.allow()).isTrue();
        assertThat(store.certificates(VIN)).hasSize(1);
    }

    @Test
    void firstProvisioningActivatesTheCertificate() {
        Device.Result result = Device.provision(iot, provisioning, VIN);

        assertThat(result.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.certificate(VIN, result.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(result.certificateId());
        assertThat(iot.describeCertificate(result.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void reprovisioningRetiresTheOlderCertificateInTheTableAndInIot() {
        Device.Result first = Device.provision(iot, provisioning, VIN);
        Device.Result second = Device.provision(iot, provisioning, VIN);

        assertThat(second.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(first.certificateId())).isEmpty();
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(second.certificateId());
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(second.certificateId());
    }

    @Test
    void aLateThingEventOfAnOlderProvisioningLosesAndRetiresItsCertificate() {
        String older = iot.createCertificate();
        assertThat(preProvision(older, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot late = iot.registerThing(VIN, attributes(older), older, "policy");
        // The older thing event is delivered only after the newer provisioning was activated.
        Device.Result newer = Device.provision(iot, provisioning, VIN);

        Provisioning.PostOutcome outcome = provisioning.postProvision(new ThingEvent(late.operation(), VIN, late.attributes()));

        assertThat(outcome).isEqualTo(Provisioning.PostOutcome.SUPERSEDED);
        assertThat(store.certificate(VIN, older).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(older)).isEmpty();
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(newer.certificateId());
        assertThat(iot.describeCertificate(newer.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void theWinnerRetiresAnOlderPendingCertificateBeforeItsRegistrationFinishes() {
        String older = iot.createCertificate();
        assertThat(preProvision(older, Map.of("vin", VIN)).allow()).isTrue();
        Device.Result newer = Device.provision(iot, provisioning, VIN);

        assertThat(store.certificate(VIN, older).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(older)).isEmpty();
        assertThatThrownBy(() -> iot.registerThing(VIN, attributes(older), older, "policy"))
                .isInstanceOf(io.cms.provisioning.iot.IotNotFoundException.class);
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(newer.certificateId());
    }

    @Test
    void aRepeatedThingEventChangesNothing() {
        Device.Result result = Device.provision(iot, provisioning, VIN);
        Provisioning.PostOutcome again = provisioning.postProvision(new ThingEvent("UPDATED", VIN, attributes(result.certificateId())));

        assertThat(again).isEqualTo(Provisioning.PostOutcome.ALREADY_ACTIVE);
        assertThat(store.certificate(VIN, result.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        assertThat(iot.describeCertificate(result.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
    }

    @Test
    void aVinRevokedWhileProvisioningCannotActivate() {
        String cert = iot.createCertificate();
        assertThat(preProvision(cert, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot event = iot.registerThing(VIN, attributes(cert), cert, "policy");
        store.revoke(VIN);

        Provisioning.PostOutcome outcome = provisioning.postProvision(new ThingEvent(event.operation(), VIN, event.attributes()));

        assertThat(outcome).isEqualTo(Provisioning.PostOutcome.NOT_ALLOWED);
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(cert)).isEmpty();
    }

    @Test
    void ignoresThingEventsOfOtherTemplates() {
        String cert = iot.createCertificate();
        Map<String, String> attributes = new HashMap<>(attributes(cert));
        attributes.put(Provisioning.ATTR_TEMPLATE, "someone-elses-template");

        assertThat(provisioning.postProvision(new ThingEvent("CREATED", VIN, attributes))).isEqualTo(Provisioning.PostOutcome.IGNORED);
        assertThat(provisioning.postProvision(new ThingEvent("CREATED", "simulated-vehicle-1", Map.of())))
                .isEqualTo(Provisioning.PostOutcome.IGNORED);
        assertNothingWritten();
    }

    @Test
    void ignoresThingDeletions() {
        Device.Result result = Device.provision(iot, provisioning, VIN);

        assertThat(provisioning.postProvision(new ThingEvent("DELETED", VIN, attributes(result.certificateId()))))
                .isEqualTo(Provisioning.PostOutcome.IGNORED);
        assertThat(store.certificate(VIN, result.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @Test
    void leavesACertificateThePreProvisioningHookNeverAllowedAlone() {
        String cert = iot.createCertificate();
        iot.registerThing(VIN, attributes(cert), cert, "policy");

        assertThat(provisioning.postProvision(new ThingEvent("CREATED", VIN, attributes(cert))))
                .isEqualTo(Provisioning.PostOutcome.UNKNOWN_CERTIFICATE);
        assertNothingWritten();
    }

    @Test
    void refusesATemplateThingEventWhoseVinAttributeIsMalformed() {
        Map<String, String> attributes = new HashMap<>(attributes(iot.createCertificate()));
        attributes.put(Provisioning.ATTR_VIN, "1hgcm82633a004352");

        assertThatThrownBy(() -> provisioning.postProvision(new ThingEvent("UPDATED", VIN, attributes)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("17 characters");
        assertNothingWritten();
    }

    @Test
    void refusesATemplateThingEventWhoseThingNameIsNotItsVin() {
        assertThatThrownBy(() -> provisioning.postProvision(new ThingEvent("UPDATED", "Vehicle_" + VIN,
                attributes(iot.createCertificate()))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("thing name is its VIN");
        assertNothingWritten();
    }

    @Test
    void firstConnectionMarksTheActiveCertificate() {
        Device.Result result = Device.provision(iot, provisioning, VIN);

        assertThat(provisioning.vehicleConnected(VIN, result.certificateId())).isTrue();
        assertThat(store.certificate(VIN, result.certificateId()).orElseThrow().hasVehicleConnectedOnce()).isTrue();
    }

    @Test
    void firstConnectionWithoutACertificateIdMarksTheActiveOne() {
        Device.Result result = Device.provision(iot, provisioning, VIN);

        assertThat(provisioning.vehicleConnected(VIN, null)).isTrue();
        assertThat(store.certificate(VIN, result.certificateId()).orElseThrow().hasVehicleConnectedOnce()).isTrue();
    }

    @Test
    void firstConnectionWithARetiredCertificateMarksNothing() {
        Device.Result first = Device.provision(iot, provisioning, VIN);
        Device.Result second = Device.provision(iot, provisioning, VIN);

        assertThat(provisioning.vehicleConnected(VIN, first.certificateId())).isFalse();
        assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().hasVehicleConnectedOnce()).isFalse();
        assertThat(store.certificate(VIN, second.certificateId()).orElseThrow().hasVehicleConnectedOnce()).isFalse();
    }

    @Test
    void firstConnectionRefusesAMalformedVin() {
        assertThatThrownBy(() -> provisioning.vehicleConnected("not-a-vin", null)).isInstanceOf(BadInputException.class);
    }

    private static Map<String, String> attributes(String certificateId) {
        return Map.of(Provisioning.ATTR_VIN, VIN, Provisioning.ATTR_CERTIFICATE_ID, certificateId,
                Provisioning.ATTR_TEMPLATE, TEMPLATE);
    }
}
