package io.cms.local.iot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateStatusRequestsTest {

    private static final String CERT = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);

    @TempDir
    Path dir;

    private LocalIotRegistry registry;
    private final List<String> disconnected = new CopyOnWriteArrayList<>();
    private CertificateStatusRequests requests;

    @BeforeEach
    void open() {
        registry = LocalIotRegistry.open(dir);
        registry.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
        registry.register(OTHER, LocalIotRegistry.Status.ACTIVE, false);
        registry.onCertificateRetired(disconnected::add);
        requests = new CertificateStatusRequests(dir, registry);
    }

    @AfterEach
    void close() {
        requests.close();
        registry.close();
    }

    @Test
    void aSubmittedRequestDeactivatesTheCertificateDisconnectsItsClientsAndIsDeleted() {
        Path file = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.INACTIVE);

        assertThat(requests.applyPending()).isEqualTo(1);

        assertThat(registry.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
        assertThat(registry.certificate(OTHER).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
        assertThat(disconnected).containsExactly(CERT);
        assertThat(file).doesNotExist();
        // What other processes read from the journal, without opening it for writing.
        assertThat(LocalIotRegistry.readCertificates(dir).get(CERT).status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
        assertThat(LocalIotRegistry.readCertificates(dir)).doesNotContainKey("c".repeat(64));
    }

    @Test
    void aDeactivationOfACertificateDeletedMeanwhileIsDoneNotRejected() {
        Path file = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.INACTIVE);
        // CMS Local retires the certificate (a reconcile, a withdrawn registration) before it sees the request.
        registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
        registry.delete(CERT);

        assertThat(requests.applyPending()).isEqualTo(1);

        assertThat(file).doesNotExist();
        assertThat(CertificateStatusRequests.rejectedFile(file)).doesNotExist();
        assertThat(CertificateStatusRequests.rejection(file)).isEmpty();
        // The submitter learns it was already gone, once: taking the note removes it.
        assertThat(CertificateStatusRequests.goneFile(file)).exists();
        assertThat(CertificateStatusRequests.takeGone(file)).isTrue();
        assertThat(CertificateStatusRequests.goneFile(file)).doesNotExist();
        assertThat(CertificateStatusRequests.takeGone(file)).isFalse();
        assertThat(registry.certificate(CERT)).isEmpty();
        assertThat(registry.certificate(OTHER).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
    }

    @Test
    void aGoneNoteItsSubmitterStoppedWaitingForIsRemovedByALaterPollAndAFreshOneIsKept() throws Exception {
        Path file = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.INACTIVE);
        registry.setStatus(CERT, LocalIotRegistry.Status.INACTIVE);
        registry.delete(CERT);
        assertThat(requests.applyPending()).isEqualTo(1);
        Path note = CertificateStatusRequests.goneFile(file);

        assertThat(requests.applyPending()).isZero();
        assertThat(note).as("a submitter may still be about to take it").exists();

        // The CLI timed out before CMS Local applied the request: nobody takes the note.
        Files.setLastModifiedTime(note, FileTime.from(Instant.now()
                .minus(CertificateStatusRequests.GONE_NOTE_KEPT).minusSeconds(1)));
        Path rejected = CertificateStatusRequests.rejectedFile(CertificateStatusRequests.folder(dir).resolve("0-old.json"));
        Files.writeString(rejected, "{\"reason\":\"kept for the operator\"}");
        Files.setLastModifiedTime(rejected, Files.getLastModifiedTime(note));
        assertThat(requests.applyPending()).isZero();

        assertThat(note).doesNotExist();
        assertThat(CertificateStatusRequests.takeGone(file)).isFalse();
        assertThat(rejected).as("only notes are removed").exists();
    }

    @Test
    void aMalformedRequestIsMovedAsideAndThePollerGoesOnWithTheNextOne() throws Exception {
        Path folder = CertificateStatusRequests.folder(dir);
        Files.createDirectories(folder);
        Path garbage = Files.writeString(folder.resolve("0-garbage.json"), "{not json");
        Path badStatus = Files.writeString(folder.resolve("1-active.json"), "{\"certificateId\":\"" + OTHER + "\",\"status\":\"ACTIVE\"}");
        Path unknown = Files.writeString(folder.resolve("2-unknown.json"), "{\"certificateId\":\"" + "c".repeat(64)
                + "\",\"status\":\"INACTIVE\"}");
        Path binary = Files.write(folder.resolve("3-binary.json"), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        requests.start(Duration.ofMillis(50));
        Path good = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.INACTIVE);

        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((Files.exists(good) || Files.exists(unknown) || Files.exists(binary)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(good).doesNotExist();
        assertThat(registry.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
        assertThat(registry.certificate(OTHER).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
        assertThat(garbage).doesNotExist();
        assertThat(badStatus).doesNotExist();
        assertThat(unknown).doesNotExist();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("0-garbage.json.rejected", "1-active.json.rejected", "2-unknown.json.gone",
                            "3-binary.json.rejected");
        }
        assertThat(disconnected).containsExactly(CERT);
        assertThat(CertificateStatusRequests.rejection(garbage)).get(STRING).startsWith("malformed JSON");
        assertThat(CertificateStatusRequests.rejection(badStatus)).get(STRING).contains("must be INACTIVE or REVOKED");
        // A deactivation of a certificate the registry does not have is done: it cannot connect.
        assertThat(CertificateStatusRequests.rejection(unknown)).isEmpty();
        assertThat(CertificateStatusRequests.rejection(binary)).hasValue("not UTF-8 text");
        assertThat(CertificateStatusRequests.rejection(good)).isEmpty();
        // The rejection keeps the request as it was, for whoever looks into it.
        assertThat(Json.parse(Files.readString(CertificateStatusRequests.rejectedFile(garbage))).path("request").asText())
                .isEqualTo("{not json");
    }

    @Test
    void aRevokedCertificateStaysRevokedAndAnInactiveRequestForItIsRejectedWithTheReason() {
        registry.setStatus(CERT, LocalIotRegistry.Status.REVOKED);
        assertThat(disconnected).as("revoked in the registry, by whoever").containsExactly(CERT);
        disconnected.clear();
        Path inactive = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.INACTIVE);

        assertThat(requests.applyPending()).isZero();

        assertThat(registry.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        assertThat(LocalIotRegistry.readCertificates(dir).get(CERT).status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        assertThat(inactive).doesNotExist();
        assertThat(CertificateStatusRequests.rejectedFile(inactive)).exists();
        assertThat(CertificateStatusRequests.rejection(inactive)).hasValue("certificate " + CERT
                + " is REVOKED, which is final: it stays REVOKED and cannot become INACTIVE");
        assertThat(disconnected).isEmpty();

        // Revoking it again is no change, but answered: applied and its connections closed.
        Path revoke = CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.REVOKED);
        assertThat(requests.applyPending()).isEqualTo(1);
        assertThat(revoke).doesNotExist();
        assertThat(CertificateStatusRequests.rejection(revoke)).isEmpty();
        assertThat(registry.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.REVOKED);
        assertThat(disconnected).containsExactly(CERT);
    }

    @Test
    void aRequestARegistryWriteFailureKeepsFromApplyingStaysPendingAndIsAppliedOnceWritesWork(@TempDir Path iotDir)
            throws Exception {
        FailingOutput[] output = new FailingOutput[1];
        try (LocalIotRegistry failing = LocalIotRegistry.open(iotDir, out -> output[0] = new FailingOutput(out));
             CertificateStatusRequests requests = new CertificateStatusRequests(iotDir, failing)) {
            failing.onCertificateRetired(disconnected::add);
            failing.register(CERT, LocalIotRegistry.Status.ACTIVE, false);
            Path request = CertificateStatusRequests.submit(iotDir, CERT, LocalIotRegistry.Status.INACTIVE);
            Path invalid = Files.writeString(CertificateStatusRequests.folder(iotDir).resolve("9-invalid.json"),
                    "{\"certificateId\":\"" + CERT + "\",\"status\":\"ACTIVE\"}");
            output[0].failing = true;

            // As at CMS Local's boot, then as the poller: no exception, nothing lost, nothing half-applied.
            assertThat(requests.applyPending()).isZero();
            assertThat(requests.applyPending()).isZero();

            assertThat(request).exists();
            assertThat(CertificateStatusRequests.rejection(request)).isEmpty();
            assertThat(failing.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.ACTIVE);
            assertThat(disconnected).isEmpty();
            // An invalid request needs no registry write: it is rejected with its reason all the same.
            assertThat(invalid).doesNotExist();
            assertThat(CertificateStatusRequests.rejection(invalid)).get(STRING).contains("must be INACTIVE or REVOKED");

            output[0].failing = false;
            assertThat(requests.applyPending()).isEqualTo(1);

            assertThat(request).doesNotExist();
            assertThat(CertificateStatusRequests.rejection(request)).isEmpty();
            assertThat(failing.certificate(CERT).orElseThrow().status()).isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(LocalIotRegistry.readCertificates(iotDir).get(CERT).status())
                    .isEqualTo(LocalIotRegistry.Status.INACTIVE);
            assertThat(disconnected).containsExactly(CERT);
        }
    }

    @Test
    void onlyDeactivationsOfWellFormedIdsCanBeSubmitted() {
        assertThatThrownBy(() -> CertificateStatusRequests.submit(dir, CERT, LocalIotRegistry.Status.ACTIVE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("INACTIVE or REVOKED");
        assertThatThrownBy(() -> CertificateStatusRequests.submit(dir, "../x", LocalIotRegistry.Status.INACTIVE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> CertificateStatusRequests.submit(dir, CERT.toUpperCase(), LocalIotRegistry.Status.REVOKED))
                .isInstanceOf(BadInputException.class).hasMessageContaining("64 lower-case hex");
    }

    @Test
    void submitAndApplyCheckARequestTheSameWay() {
        assertThat(CertificateStatusRequests.validate(CERT, "REVOKED")).isEqualTo(LocalIotRegistry.Status.REVOKED);
        assertThat(CertificateStatusRequests.validate(CERT, "INACTIVE")).isEqualTo(LocalIotRegistry.Status.INACTIVE);
        for (String status : new String[] {"ACTIVE", "PENDING_ACTIVATION", "inactive", "", null}) {
            assertThatThrownBy(() -> CertificateStatusRequests.validate(CERT, status)).as(status)
                    .isInstanceOf(BadInputException.class).hasMessageContaining("INACTIVE or REVOKED");
        }
        assertThatThrownBy(() -> CertificateStatusRequests.validate(null, "INACTIVE"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("64 lower-case hex");
    }

    @Test
    void aRejectionFileWithoutAReadableReasonStillCountsAsARejection() throws Exception {
        Path folder = CertificateStatusRequests.folder(dir);
        Files.createDirectories(folder);
        Path notJson = folder.resolve("a.json");
        Files.writeString(CertificateStatusRequests.rejectedFile(notJson), "{torn");
        Path noReason = folder.resolve("b.json");
        Files.writeString(CertificateStatusRequests.rejectedFile(noReason), "{\"rejectedAt\":\"2026-12-03T00:00:00Z\"}");
        Path unreadable = folder.resolve("c.json");
        Files.createDirectories(CertificateStatusRequests.rejectedFile(unreadable)); // a directory cannot be read as text

        assertThat(CertificateStatusRequests.rejection(notJson)).get(STRING).startsWith("no reason recorded in");
        assertThat(CertificateStatusRequests.rejection(noReason)).get(STRING).startsWith("no reason recorded in");
        assertThat(CertificateStatusRequests.rejection(unreadable)).get(STRING).startsWith("the reason cannot be read from");
        assertThat(CertificateStatusRequests.rejection(folder.resolve("d.json"))).isEmpty();
    }
}
