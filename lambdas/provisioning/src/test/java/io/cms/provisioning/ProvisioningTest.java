package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.testutils.DelegatingIotRegistry;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ProvisioningTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "1HGCM82633A004352";

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private Provisioning provisioning;

    @BeforeEach
    void freshTables() {
        store = TABLES.newStore();
        iot = new InMemoryIotRegistry();
        provisioning = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        store.authorize(VIN, "Honda", "Accord", "2003");
    }

    private PreProvisionDecision preProvision(String certificateId, Map<String, String> parameters) {
        return provisioning.preProvision(new PreProvisionRequest(Device.CLAIM_CERTIFICATE_ID, certificateId, null,
                "client", parameters));
    }

    private void assertNothingWritten() {
        assertThat(TABLES.count(store.provisionedTable())).isZero();
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
        assertThat(TABLES.count(store.provisionedTable())).isZero();
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
    void theActivationConsumesTheAuthorization() {
        Device.Result result = Device.provision(iot, provisioning, VIN);

        AuthorizedVehicle v = store.vehicle(VIN).orElseThrow();
        assertThat(v.allowProvisioning()).isFalse();
        assertThat(v.activeCertificateId()).isEqualTo(result.certificateId());
        assertThat(v.activeGeneration()).isEqualTo(1);
    }

    @Test
    void aSecondProvisioningOfAVinWithAnActiveCertificateIsRefusedAndWritesNothing() {
        Device.Result vehicle = Device.provision(iot, provisioning, VIN);
        String attacker = iot.createCertificate();

        PreProvisionDecision decision = preProvision(attacker, Map.of("vin", VIN));

        assertThat(decision.allow()).isFalse();
        assertThat(decision.reason()).isEqualTo("vehicle " + VIN + " already has an active certificate; an operator"
                + " must authorize it again ('cms registry authorize') to replace it");
        assertThat(decision.parameterOverrides()).isEmpty();
        assertThat(store.certificates(VIN)).extracting(ProvisionedCertificate::certificateId)
                .containsExactly(vehicle.certificateId());
        assertThat(store.certificate(VIN, attacker)).isEmpty();
        assertThat(store.state(VIN).orElseThrow().generationCounter()).isEqualTo(1);
        AuthorizedVehicle v = store.vehicle(VIN).orElseThrow();
        assertThat(v.activeCertificateId()).isEqualTo(vehicle.certificateId());
        assertThat(v.activeGeneration()).isEqualTo(1);
        assertThat(iot.describeCertificate(vehicle.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(vehicle.certificateId());
    }

    @Test
    void aThingEventForACertificateTheHookRefusedChangesNothing() {
        Device.Result vehicle = Device.provision(iot, provisioning, VIN);
        String attacker = iot.createCertificate();
        assertThat(preProvision(attacker, Map.of("vin", VIN)).allow()).isFalse();

        assertThat(provisioning.postProvision(new ThingEvent("UPDATED", VIN, attributes(attacker))))
                .isEqualTo(Provisioning.PostOutcome.UNKNOWN_CERTIFICATE);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(vehicle.certificateId());
        assertThat(store.certificate(VIN, vehicle.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @Test
    void reprovisioningAfterAReauthorizationRetiresTheOlderCertificateInTheTableAndInIot() {
        Device.Result first = Device.provision(iot, provisioning, VIN);
        store.authorize(VIN, "Honda", "Accord", "2003");
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(first.certificateId());

        Device.Result second = Device.provision(iot, provisioning, VIN);

        assertThat(second.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(first.certificateId())).isEmpty();
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(second.certificateId());
        AuthorizedVehicle v = store.vehicle(VIN).orElseThrow();
        assertThat(v.activeCertificateId()).isEqualTo(second.certificateId());
        assertThat(v.allowProvisioning()).isFalse();
        // ... and that re-authorization is used up too.
        assertThat(Device.provision(iot, provisioning, VIN).decision().allow()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void ofTwoRegistrationsAllowedConcurrentlyTheFirstActivationWinsAndTheLateOneIsRetired(boolean olderFirst) {
        String older = iot.createCertificate();
        String newer = iot.createCertificate();
        assertThat(preProvision(older, Map.of("vin", VIN)).allow()).isTrue();
        assertThat(preProvision(newer, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot olderEvent = iot.registerThing(VIN, attributes(older), older, "policy");
        InMemoryIotRegistry.ThingEventSnapshot newerEvent = iot.registerThing(VIN, attributes(newer), newer, "policy");
        String first = olderFirst ? older : newer;
        String late = olderFirst ? newer : older;
        InMemoryIotRegistry.ThingEventSnapshot firstEvent = olderFirst ? olderEvent : newerEvent;
        InMemoryIotRegistry.ThingEventSnapshot lateEvent = olderFirst ? newerEvent : olderEvent;

        assertThat(provisioning.postProvision(new ThingEvent(firstEvent.operation(), VIN, firstEvent.attributes())))
                .isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        Provisioning.PostOutcome lateOutcome = provisioning.postProvision(
                new ThingEvent(lateEvent.operation(), VIN, lateEvent.attributes()));

        assertThat(lateOutcome).isIn(Provisioning.PostOutcome.SUPERSEDED, Provisioning.PostOutcome.NOT_ALLOWED);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(first);
        assertThat(store.certificate(VIN, first).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        assertThat(store.certificate(VIN, late).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(late)).isEmpty();
        assertThat(iot.describeCertificate(first).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(first);
    }

    @Test
    void aPendingRegistrationLosesWithNotAllowedOnceAnotherActivationConsumedTheAuthorization() {
        String winner = iot.createCertificate();
        String late = iot.createCertificate();
        assertThat(preProvision(winner, Map.of("vin", VIN)).allow()).isTrue();
        assertThat(preProvision(late, Map.of("vin", VIN)).allow()).isTrue();

        assertThat(store.activate(VIN, winner).result()).isEqualTo(ProvisioningStore.ActivationResult.ACTIVATED);
        ProvisioningStore.Activation lost = store.activate(VIN, late);

        assertThat(lost.result()).isEqualTo(ProvisioningStore.ActivationResult.NOT_ALLOWED);
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(winner);
        assertThat(store.certificate(VIN, late).orElseThrow().status()).isEqualTo(CertificateStatus.PENDING_ACTIVATION);
    }

    @Test
    void aRegistrationOfAConsumedAuthorizationCannotActivateAfterTheVinIsAuthorizedAgain() {
        String winner = iot.createCertificate();
        String stale = iot.createCertificate();
        assertThat(preProvision(winner, Map.of("vin", VIN)).allow()).isTrue();
        assertThat(preProvision(stale, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot staleEvent = iot.registerThing(VIN, attributes(stale), stale, "policy");
        // The winner activates without its sweep (as if the post-provisioning function died after the transaction).
        assertThat(store.activate(VIN, winner).result()).isEqualTo(ProvisioningStore.ActivationResult.ACTIVATED);
        store.authorize(VIN, "Honda", "Accord", "2003");

        Provisioning.PostOutcome outcome = provisioning.postProvision(
                new ThingEvent(staleEvent.operation(), VIN, staleEvent.attributes()));

        assertThat(outcome).isEqualTo(Provisioning.PostOutcome.NOT_ALLOWED);
        assertThat(store.certificate(VIN, stale).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(stale)).isEmpty();
        AuthorizedVehicle v = store.vehicle(VIN).orElseThrow();
        assertThat(v.activeCertificateId()).isEqualTo(winner);
        assertThat(v.allowProvisioning()).isTrue();
        // The new authorization is still there for the replacement.
        Device.Result replacement = Device.provision(iot, provisioning, VIN);
        assertThat(replacement.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.certificate(VIN, winner).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
    }

    @Test
    void theWinnerRetiresAPendingRegistrationWhoseAuthorizationItConsumed() {
        String winner = iot.createCertificate();
        String late = iot.createCertificate();
        assertThat(preProvision(winner, Map.of("vin", VIN)).allow()).isTrue();
        assertThat(preProvision(late, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot event = iot.registerThing(VIN, attributes(winner), winner, "policy");

        assertThat(provisioning.postProvision(new ThingEvent(event.operation(), VIN, event.attributes())))
                .isEqualTo(Provisioning.PostOutcome.ACTIVATED);

        assertThat(store.certificate(VIN, late).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(late)).isEmpty();
        assertThatThrownBy(() -> iot.registerThing(VIN, attributes(late), late, "policy"))
                .isInstanceOf(io.cms.provisioning.iot.IotNotFoundException.class);
    }

    @Test
    void reauthorizingAVinThatIsStillAllowedKeepsARegistrationInFlight() {
        String cert = iot.createCertificate();
        assertThat(preProvision(cert, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot event = iot.registerThing(VIN, attributes(cert), cert, "policy");
        store.authorize(VIN, "Honda", "Accord Hybrid", "2004");

        assertThat(provisioning.postProvision(new ThingEvent(event.operation(), VIN, event.attributes())))
                .isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.vehicle(VIN).orElseThrow().model()).isEqualTo("Accord Hybrid");
    }

    @Test
    void aVehicleProvisionedBeforeAuthorizationsWereOneShotCannotBeTakenOver() {
        String vin = "5YJSA1E26HF000337";
        String legacyCert = "ab".repeat(32);
        // An item as the earlier version left it: allowed, with an ACTIVE certificate, no authorized_at_generation.
        TABLES.dynamo().putItem(b -> b.tableName(store.authorizedTable()).item(Map.of(
                "vin", AttributeValue.fromS(vin), "make", AttributeValue.fromS("Tesla"),
                "model", AttributeValue.fromS("Model S"), "year", AttributeValue.fromS("2017"),
                "allow_provisioning", AttributeValue.fromBool(true), "provisioning_generation", AttributeValue.fromN("1"),
                "active_certificate_id", AttributeValue.fromS(legacyCert), "active_generation", AttributeValue.fromN("1"))));
        TABLES.dynamo().putItem(b -> b.tableName(store.provisionedTable()).item(Map.of(
                "vin", AttributeValue.fromS(vin), "certificate_id", AttributeValue.fromS(legacyCert),
                "certificate_status", AttributeValue.fromS("ACTIVE"), "thing_name", AttributeValue.fromS(vin),
                "generation", AttributeValue.fromN("1"))));

        assertThat(store.vehicle(vin).orElseThrow().allowProvisioning()).isFalse();
        Device.Result attacker = Device.provision(iot, provisioning, vin);
        assertThat(attacker.decision().allow()).isFalse();
        assertThat(attacker.decision().reason()).contains("already has an active certificate");
        assertThat(store.certificates(vin)).extracting(ProvisionedCertificate::certificateId).containsExactly(legacyCert);

        store.authorize(vin, "Tesla", "Model S", "2017");
        Device.Result replacement = Device.provision(iot, provisioning, vin);
        assertThat(replacement.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.vehicle(vin).orElseThrow().activeGeneration()).isEqualTo(2);
        assertThat(store.certificate(vin, legacyCert).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
    }

    @Test
    void aNeverProvisionedVehicleFromBeforeAuthorizationsWereOneShotStillProvisions() {
        String vin = "5YJSA1E26HF000337";
        TABLES.dynamo().putItem(b -> b.tableName(store.authorizedTable()).item(Map.of(
                "vin", AttributeValue.fromS(vin), "make", AttributeValue.fromS("Tesla"),
                "model", AttributeValue.fromS("Model S"), "year", AttributeValue.fromS("2017"),
                "allow_provisioning", AttributeValue.fromBool(true))));

        assertThat(store.vehicle(vin).orElseThrow().allowProvisioning()).isTrue();
        assertThat(Device.provision(iot, provisioning, vin).outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.vehicle(vin).orElseThrow().allowProvisioning()).isFalse();
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
    void aLosingCertificateWhoseDeleteConflictsWithAnUnfinishedDetachIsLeftInactiveAndDeletedByTheNextSweep() {
        // AWS IoT detaches a principal asynchronously: a delete right after the detach can conflict.
        io.cms.provisioning.iot.IotRegistry slowDetach = new DelegatingIotRegistry(iot) {
            private int refused;

            @Override
            public void deleteCertificate(String certificateId) {
                if (refused < 2) {
                    refused++;
                    throw new io.cms.provisioning.iot.IotConflictException("the certificate is still attached (detach in progress)");
                }
                super.deleteCertificate(certificateId);
            }
        };
        Provisioning withSlowDetach = new Provisioning(store, slowDetach, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        String older = iot.createCertificate();
        assertThat(preProvision(older, Map.of("vin", VIN)).allow()).isTrue();
        InMemoryIotRegistry.ThingEventSnapshot late = iot.registerThing(VIN, attributes(older), older, "policy");
        // The winner's sweep and then the late event both try to delete the loser while IoT is detaching it.
        Device.Result newer = Device.provision(iot, withSlowDetach, VIN);

        Provisioning.PostOutcome outcome = withSlowDetach.postProvision(new ThingEvent(late.operation(), VIN, late.attributes()));

        assertThat(outcome).isEqualTo(Provisioning.PostOutcome.SUPERSEDED);
        assertThat(store.certificate(VIN, older).orElseThrow().status()).isEqualTo(CertificateStatus.INACTIVE);
        assertThat(iot.describeCertificate(older).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);

        withSlowDetach.sweep(VIN);
        assertThat(store.certificate(VIN, older).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(older)).isEmpty();
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(newer.certificateId());
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
    void reconcileAllRetiresTheActiveRowOfAVinNoLongerAuthorizedButNeverAVinsActiveCertificate() {
        String cert = Device.provision(iot, provisioning, VIN).certificateId();
        assertThat(store.retireUnpointedActive(VIN, cert)).as("its VIN's pointer names it").isFalse();
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        TABLES.dynamo().deleteItem(b -> b.tableName(store.authorizedTable()).key(Map.of("vin", AttributeValue.fromS(VIN))));

        provisioning.reconcileAll(List.of(new Provisioning.ActiveInIot(cert, VIN)));

        assertThat(iot.describeCertificate(cert)).isEmpty();
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(store.retireUnpointedActive(VIN, cert)).as("no longer ACTIVE").isFalse();
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
        store.authorize(VIN, "Honda", "Accord", "2003");
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
