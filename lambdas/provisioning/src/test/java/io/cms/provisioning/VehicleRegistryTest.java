package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.IotRegistry;
import io.cms.provisioning.testutils.DelegatingIotRegistry;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VehicleRegistryTest {

    private static final String VIN = "1HGCM82633A004352";

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private VehicleRegistry registry;
    private Provisioning provisioning;

    @BeforeEach
    void fresh() {
        store = TABLES.newStore();
        iot = new InMemoryIotRegistry();
        registry = new VehicleRegistry(store, iot);
        provisioning = new Provisioning(store, iot, "cms--provisioning-template", Provisioning.RetryAfterActivation.REFUSED);
    }

    @Test
    void authorizesAVehicle() {
        AuthorizedVehicle v = registry.authorize(VIN, " Honda ", "Accord", "2003");

        assertThat(v).isEqualTo(new AuthorizedVehicle(VIN, "Honda", "Accord", "2003", true, null, 0));
    }

    @Test
    void refusesBadFieldsAndWritesNothing() {
        assertThatThrownBy(() -> registry.authorize("1hgcm82633a004352", "Honda", "Accord", "2003"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("17 characters");
        assertThatThrownBy(() -> registry.authorize(VIN, "", "Accord", "2003")).hasMessageContaining("make must not be empty");
        assertThatThrownBy(() -> registry.authorize(VIN, "Honda", "M".repeat(65), "2003")).hasMessageContaining("at most 64");
        assertThatThrownBy(() -> registry.authorize(VIN, "Honda", "Accord", "03")).hasMessageContaining("four-digit");
        assertThatThrownBy(() -> registry.authorize(VIN, "Hon\u0000da", "Accord", "2003")).hasMessageContaining("control");
        assertThat(TABLES.count(store.authorizedTable())).isZero();
    }

    @Test
    void reauthorizingAllowsProvisioningAgainAndKeepsTheActiveCertificate() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result r = Device.provision(iot, provisioning, VIN);
        assertThat(registry.get(VIN).orElseThrow().allowProvisioning()).isFalse();

        AuthorizedVehicle returned = registry.authorize(VIN, "Honda", "Accord Hybrid", "2004");

        AuthorizedVehicle v = registry.get(VIN).orElseThrow();
        assertThat(returned).isEqualTo(v);
        assertThat(v).isEqualTo(new AuthorizedVehicle(VIN, "Honda", "Accord Hybrid", "2004", true, r.certificateId(), 1));
        assertThat(store.certificate(VIN, r.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
        assertThat(iot.describeCertificate(r.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.ACTIVE);
        assertThat(store.state(VIN).orElseThrow().generationCounter()).isEqualTo(1);
    }

    @Test
    void eachAuthorizationLetsExactlyOneCertificateBeActivated() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result first = Device.provision(iot, provisioning, VIN);
        Device.Result refused = Device.provision(iot, provisioning, VIN);
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result replacement = Device.provision(iot, provisioning, VIN);
        Device.Result refusedAgain = Device.provision(iot, provisioning, VIN);

        assertThat(first.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(refused.decision().allow()).isFalse();
        assertThat(replacement.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(refusedAgain.decision().allow()).isFalse();
        AuthorizedVehicle v = registry.get(VIN).orElseThrow();
        assertThat(v.activeCertificateId()).isEqualTo(replacement.certificateId());
        assertThat(v.allowProvisioning()).isFalse();
        assertThat(store.certificate(VIN, first.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(first.certificateId())).isEmpty();
    }

    @Test
    void listsEveryVehicleAcrossPages() {
        Set<String> vins = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            String vin = String.format("1HGCM82633A%06d", i);
            registry.authorize(vin, "Honda", "Accord", "2003");
            vins.add(vin);
        }
        Set<String> listed = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Page<AuthorizedVehicle> page = registry.list(10, token);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(10);
            page.items().forEach(v -> assertThat(listed.add(v.vin())).isTrue());
            token = page.nextToken();
            pages++;
        } while (token != null);

        assertThat(listed).isEqualTo(vins);
        assertThat(pages).isBetween(3, 4);
    }

    @Test
    void refusesAPageTokenItDidNotHandOut() {
        assertThatThrownBy(() -> registry.list(10, "garbage")).isInstanceOf(BadInputException.class).hasMessageContaining("page token");
        assertThatThrownBy(() -> registry.list(0, null)).isInstanceOf(BadInputException.class).hasMessageContaining("limit");
    }

    @Test
    void revokingDeactivatesTheActiveCertificateInTheTableAndInIot() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result r = Device.provision(iot, provisioning, VIN);

        VehicleRegistry.Revocation revocation = registry.revoke(VIN);

        assertThat(revocation.previouslyActiveCertificateId()).isEqualTo(r.certificateId());
        assertThat(revocation.deactivatedInIot()).isEqualTo(1);
        AuthorizedVehicle v = registry.get(VIN).orElseThrow();
        assertThat(v.allowProvisioning()).isFalse();
        assertThat(v.activeCertificateId()).isNull();
        assertThat(store.certificate(VIN, r.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.INACTIVE);
        assertThat(iot.describeCertificate(r.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
        Device.Result refused = Device.provision(iot, provisioning, VIN);
        assertThat(refused.decision().allow()).isFalse();
        assertThat(refused.decision().reason()).contains("allow_provisioning is false");
    }

    @Test
    void revokingAgainFinishesAnInterruptedRevocation() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result r = Device.provision(iot, provisioning, VIN);
        store.revoke(VIN); // the table half only, as if the process died before reaching IoT

        VehicleRegistry.Revocation again = registry.revoke(VIN);

        assertThat(again.deactivatedInIot()).isEqualTo(1);
        assertThat(iot.describeCertificate(r.certificateId()).orElseThrow().status()).isEqualTo(IotCertificateStatus.INACTIVE);
    }

    @Test
    void aCertificateDeletedBetweenTheReadAndTheDeactivationCountsAsAlreadyGone() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result r = Device.provision(iot, provisioning, VIN);
        // A sweep deletes the certificate right after the revocation read it ACTIVE.
        IotRegistry racing = new DelegatingIotRegistry(iot) {
            @Override
            public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
                throw new IotNotFoundException("certificate " + certificateId + " does not exist");
            }
        };

        VehicleRegistry.Revocation revocation = new VehicleRegistry(store, racing).revoke(VIN);

        assertThat(revocation.previouslyActiveCertificateId()).isEqualTo(r.certificateId());
        assertThat(revocation.deactivatedInIot()).isZero();
        assertThat(revocation.alreadyGoneFromIot()).isEqualTo(1);
        assertThat(store.certificate(VIN, r.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.INACTIVE);
    }

    @Test
    void revokingAnUnknownVinSaysSo() {
        assertThatThrownBy(() -> registry.revoke(VIN)).isInstanceOf(VehicleNotFoundException.class)
                .hasMessageContaining("not in the authorized-vehicle registry");
    }

    @Test
    void aReauthorizedVehicleProvisionsAgainAndItsRevokedCertificateIsDeleted() {
        registry.authorize(VIN, "Honda", "Accord", "2003");
        Device.Result old = Device.provision(iot, provisioning, VIN);
        registry.revoke(VIN);
        registry.authorize(VIN, "Honda", "Accord", "2003");

        Device.Result fresh = Device.provision(iot, provisioning, VIN);

        assertThat(fresh.outcome()).isEqualTo(Provisioning.PostOutcome.ACTIVATED);
        assertThat(store.certificate(VIN, old.certificateId()).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(iot.describeCertificate(old.certificateId())).isEmpty();
    }

    @Test
    void importKeepsGoodLinesAndReportsEachBadOne() {
        String csv = String.join("\n",
                "vin,make,model,year",
                "1HGCM82633A000001,Honda,Accord,2003",
                "",
                "1hgcm82633a000002,Honda,Accord,2003",
                "1HGCM82633A000003,\"Mercedes-Benz, AG\",\"The \"\"S\"\" class\",2021",
                "1HGCM82633A000004,Honda,Accord",
                "1HGCM82633A000001,Honda,Civic,2005",
                "1HGCM82633A000005,\"Honda,Accord,2003",
                "1HGCM82633A000006,Honda,Accord,1850");

        VehicleRegistry.ImportReport report = registry.importCsv(new StringReader(csv));

        assertThat(report.imported()).isEqualTo(2);
        assertThat(report.errors()).extracting(VehicleRegistry.LineError::line).containsExactly(4, 6, 7, 8, 9);
        assertThat(report.errors().get(0).message()).contains("17 characters");
        assertThat(report.errors().get(1).message()).contains("expected 4 fields");
        assertThat(report.errors().get(2).message()).contains("already appears on line 2");
        assertThat(report.errors().get(3).message()).contains("unterminated");
        assertThat(report.errors().get(4).message()).contains("four-digit");
        assertThat(registry.get("1HGCM82633A000003").orElseThrow().make()).isEqualTo("Mercedes-Benz, AG");
        assertThat(registry.get("1HGCM82633A000003").orElseThrow().model()).isEqualTo("The \"S\" class");
        assertThat(registry.get("1HGCM82633A000001").orElseThrow().model()).isEqualTo("Accord");
        assertThat(TABLES.count(store.authorizedTable())).isEqualTo(2);
    }

    @Test
    void importWithoutHeaderImportsTheFirstLine() {
        VehicleRegistry.ImportReport report = registry.importCsv(new StringReader("1HGCM82633A000001,Honda,Accord,2003\n"));

        assertThat(report.imported()).isEqualTo(1);
        assertThat(report.errors()).isEmpty();
    }

    @Test
    void aRegistryWithoutIotAuthorizesButRefusesToRevokeWithAClearError() {
        VehicleRegistry clientOnly = VehicleRegistry.withoutIot(store);
        clientOnly.authorize(VIN, "Honda", "Accord", "2003");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> clientOnly.revoke(VIN))
                .isInstanceOf(io.cms.lambda.common.ConfigurationException.class)
                .hasMessageContaining("IoT control plane");
        assertThat(store.vehicle(VIN)).get().satisfies(v -> assertThat(v.allowProvisioning()).isTrue());
    }
}
