package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original's defect 16: concurrent provisioning of one VIN. One authorization lets exactly one
 * certificate become ACTIVE: registrations allowed before the first activation lose and are retired,
 * later ones are refused by the pre-provisioning hook and leave no row.
 */
class ConcurrentProvisioningTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "WVWZZZ1JZXW000001";
    private static final int DEVICES = 100;

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    @Test
    void hundredConcurrentProvisionsOfOneVinEndWithExactlyOneActiveCertificate() throws Exception {
        ProvisioningStore store = TABLES.newStore();
        InMemoryIotRegistry iot = new InMemoryIotRegistry();
        Provisioning provisioning = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        store.authorize(VIN, "Volkswagen", "Golf", "1999");

        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Device.Result>> futures = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return Device.provision(iot, provisioning, VIN);
            }));
        }
        start.countDown();
        List<Device.Result> results = new ArrayList<>();
        for (Future<Device.Result> f : futures) {
            results.add(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();

        Set<String> issued = results.stream().map(Device.Result::certificateId).collect(Collectors.toSet());
        assertThat(issued).hasSize(DEVICES);
        Set<String> allowed = results.stream().filter(r -> r.decision().allow()).map(Device.Result::certificateId)
                .collect(Collectors.toSet());
        assertThat(allowed).isNotEmpty();
        assertThat(results).filteredOn(r -> !r.decision().allow())
                .allSatisfy(r -> assertThat(r.decision().reason()).contains("already has an active certificate"));
        assertThat(results).filteredOn(r -> r.outcome() == Provisioning.PostOutcome.ACTIVATED).hasSize(1);

        // The table: a row for every allowed registration and none for a refused one; one ACTIVE row,
        // the pointer names it, every other row retired, and the authorization is used up.
        List<ProvisionedCertificate> rows = store.certificates(VIN);
        assertThat(rows).extracting(ProvisionedCertificate::certificateId).containsExactlyInAnyOrderElementsOf(allowed);
        List<ProvisionedCertificate> active = rows.stream().filter(r -> r.status() == CertificateStatus.ACTIVE).toList();
        assertThat(active).hasSize(1);
        String winner = active.get(0).certificateId();
        assertThat(store.vehicle(VIN).orElseThrow().activeCertificateId()).isEqualTo(winner);
        assertThat(store.vehicle(VIN).orElseThrow().allowProvisioning()).isFalse();
        assertThat(rows).filteredOn(r -> !r.certificateId().equals(winner))
                .allSatisfy(r -> assertThat(r.status()).isIn(CertificateStatus.INACTIVE, CertificateStatus.DELETED));

        // IoT: the winner is the only ACTIVE certificate and the only one attached to the thing.
        List<IotCertificate> inIot = iot.certificates();
        assertThat(inIot).filteredOn(c -> c.status() == IotCertificateStatus.ACTIVE)
                .extracting(IotCertificate::certificateId).containsExactly(winner);
        assertThat(iot.thingCertificateIds(VIN)).containsExactly(winner);

        // No orphans: a certificate IoT still holds is the winner, or is INACTIVE with an INACTIVE row, or
        // is a refused one that never got past CreateKeysAndCertificate (INACTIVE, never attached).
        for (IotCertificate c : inIot) {
            if (!c.certificateId().equals(winner)) {
                assertThat(c.status()).isEqualTo(IotCertificateStatus.INACTIVE);
                if (allowed.contains(c.certificateId())) {
                    assertThat(store.certificate(VIN, c.certificateId()).orElseThrow().status())
                            .isIn(CertificateStatus.INACTIVE, CertificateStatus.DELETED);
                } else {
                    assertThat(store.certificate(VIN, c.certificateId())).isEmpty();
                }
            }
        }
        // And every DELETED row really is gone from IoT.
        assertThat(rows).filteredOn(r -> r.status() == CertificateStatus.DELETED)
                .allSatisfy(r -> assertThat(iot.describeCertificate(r.certificateId())).isEmpty());
    }
}
