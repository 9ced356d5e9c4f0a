package io.cms.local.iot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.PrivateFiles;
import io.cms.provisioning.CertificateIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificate deactivations asked for by other processes (the {@code cms registry revoke --local}
 * CLI), which must not write CMS Local's registry journal themselves. A request is one small JSON
 * file in {@code <data-dir>/iot/requests/}, written through a temporary name and an atomic move.
 * The running CMS Local polls the folder, sets the certificate's status in its
 * {@link LocalIotRegistry} (whose {@link LocalIotRegistry#onCertificateRetired listeners} close the
 * connections made with it) and deletes the file; requests left while CMS Local was stopped are
 * applied when it starts. A request naming a certificate the registry does not have (CMS Local
 * deleted it meanwhile, e.g. a reconcile or a withdrawn registration) is done as well: a deleted
 * certificate cannot connect, which is what a deactivation asks for; it leaves a {@code *.gone}
 * note, which the submitter takes ({@link #takeGone}) to say so. A note nobody took within
 * {@link #GONE_NOTE_KEPT} (its submitter stopped waiting before the request was applied) is removed
 * by the next poll. A malformed request, or one that
 * would take a REVOKED certificate back to INACTIVE (REVOKED is final, as in AWS IoT), is replaced
 * by a {@code *.rejected} file holding the reason, with a WARN, and never stops the poller. A
 * request that cannot be applied for an I/O failure stays pending and is tried again every poll
 * (see {@link #applyPending}).
 *
 * <pre>{@code {"certificateId":"<hex sha-256>","status":"INACTIVE","requestedAt":"2026-01-01T00:00:00Z"}}</pre>
 */
public final class CertificateStatusRequests implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateStatusRequests.class);
    /** The requests folder inside the registry's directory ({@code <data-dir>/iot}). */
    public static final String FOLDER = "requests";
    /** The suffix of a request ready to be applied. */
    public static final String SUFFIX = ".json";
    /** The suffix a refused request is renamed to. */
    public static final String REJECTED_SUFFIX = ".rejected";
    /** The suffix of the note a request leaves when its certificate was already gone from the registry. */
    public static final String GONE_SUFFIX = ".gone";
    /**
     * How long a {@code *.gone} note is kept for its submitter. One still waiting takes it within its
     * next check (every 50 ms) after the request disappears; a note older than this was left by a
     * submitter that gave up waiting, so nobody will ever take it.
     */
    static final Duration GONE_NOTE_KEPT = Duration.ofMinutes(1);

    private final Path folder;
    private final LocalIotRegistry registry;
    private ScheduledExecutorService poller;
    /** The requests an I/O failure has kept pending (warned about once each). */
    private final Set<Path> retrying = new HashSet<>();

    /**
     * @param iotDir the registry's directory ({@code <data-dir>/iot})
     * @param registry the registry the requests change
     */
    public CertificateStatusRequests(Path iotDir, LocalIotRegistry registry) {
        this.folder = folder(iotDir);
        this.registry = registry;
    }

    /** The requests folder of the registry directory {@code iotDir}. */
    public static Path folder(Path iotDir) {
        return iotDir.resolve(FOLDER);
    }

    /**
     * Writes a request (for other processes). Only deactivations may be asked for this way.
     *
     * @return the request file; it disappears once CMS Local has applied it
     */
    public static Path submit(Path iotDir, String certificateId, LocalIotRegistry.Status status) {
        validate(certificateId, status == null ? null : status.name());
        Path dir = folder(iotDir);
        ObjectNode node = Json.object();
        node.put("certificateId", certificateId);
        node.put("status", status.name());
        node.put("requestedAt", Instant.now().toString());
        Path file = dir.resolve(System.currentTimeMillis() + "-" + UUID.randomUUID() + SUFFIX);
        try {
            PrivateFiles.createDirectory(dir);
            PrivateFiles.write(file, Json.write(node));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a certificate status request in " + dir, e);
        }
        return file;
    }

    /**
     * Checks a request, the same for the process that writes it and for CMS Local that reads it.
     *
     * @return the requested status
     * @throws BadInputException when the id is not a certificate id ({@link CertificateIds}) or the
     *     status is not a deactivation (INACTIVE or REVOKED)
     */
    static LocalIotRegistry.Status validate(String certificateId, String status) {
        CertificateIds.require("certificateId", certificateId);
        if (!"INACTIVE".equals(status) && !"REVOKED".equals(status)) {
            throw new BadInputException("'status' must be INACTIVE or REVOKED (only deactivations can be requested), got '"
                    + status + "'");
        }
        return LocalIotRegistry.Status.valueOf(status);
    }

    /** Applies the pending requests in order, then polls the folder every {@code every} on a daemon thread. */
    public synchronized void start(Duration every) {
        if (poller != null) {
            throw new IllegalStateException("already polling " + folder);
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cms-local-iot-requests");
            t.setDaemon(true);
            return t;
        });
        // The owner applies what is pending before anyone can connect; the first poll waits a period.
        poller.scheduleWithFixedDelay(this::pollQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Applies every pending request, oldest first, after removing the {@code *.gone} notes nobody
     * took in time ({@link #GONE_NOTE_KEPT}). A request that cannot be applied for an I/O
     * failure (the registry journal or the request folder cannot be written, the file cannot be
     * read) stays pending and is tried again at the next call, with one WARN per request; it never
     * fails the caller (CMS Local's boot) and is never lost.
     *
     * @return how many were applied (rejected and still pending ones not counted)
     */
    public synchronized int applyPending() {
        List<Path> pending = new ArrayList<>();
        List<Path> notes = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    pending.add(f);
                } else if (name.endsWith(GONE_SUFFIX)) {
                    notes.add(f);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot list the certificate status requests in {} ({}); they stay pending and are tried again", folder,
                    e.getMessage());
            return 0;
        }
        removeStale(notes);
        pending.sort(null);
        retrying.retainAll(pending);
        int applied = 0;
        for (Path file : pending) {
            try {
                if (apply(file)) {
                    applied++;
                }
                retrying.remove(file);
            } catch (IOException | UncheckedIOException e) {
                if (retrying.add(file)) {
                    LOG.warn("certificate status request {} cannot be applied now ({}); it stays pending and is tried again "
                            + "every poll and at the next start", file, e.getMessage());
                } else {
                    LOG.debug("certificate status request {} still cannot be applied: {}", file, e.getMessage());
                }
            }
        }
        return applied;
    }

    /** Removes the notes older than {@link #GONE_NOTE_KEPT}; one that cannot be removed now is tried again next poll. */
    private static void removeStale(List<Path> notes) {
        Instant staleBefore = Instant.now().minus(GONE_NOTE_KEPT);
        for (Path note : notes) {
            try {
                if (Files.getLastModifiedTime(note).toInstant().isBefore(staleBefore) && Files.deleteIfExists(note)) {
                    LOG.debug("removed {}: its submitter stopped waiting before the request was applied", note.getFileName());
                }
            } catch (IOException e) {
                LOG.debug("cannot remove the stale note {} now: {}", note, e.getMessage());
            }
        }
    }

    private void pollQuietly() {
        try {
            applyPending();
        } catch (RuntimeException e) {
            LOG.warn("polling certificate status requests in {} failed: {}", folder, e.getMessage());
        }
    }

    /**
     * Applies or rejects one request.
     *
     * @return whether it was applied, also when its certificate was already gone (false: rejected, or
     *     the request file gone meanwhile)
     * @throws IOException or {@link UncheckedIOException} when it could be neither: it stays pending
     */
    private boolean apply(Path file) throws IOException {
        String text = null;
        String certificateId;
        LocalIotRegistry.Status status;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            JsonNode node = Json.parse(text);
            certificateId = node.path("certificateId").asText("");
            status = validate(certificateId, node.path("status").asText(""));
        } catch (NoSuchFileException e) {
            return false;
        } catch (CharacterCodingException | RuntimeException e) {
            reject(file, text, e instanceof CharacterCodingException ? "not UTF-8 text" : e.getMessage());
            return false;
        }
        if (registry.certificate(certificateId).isEmpty()) {
            // Deleted meanwhile (a reconcile, a withdrawn registration) or never here: it cannot connect, as asked.
            // The note is written before the request disappears, so whoever waits for it finds the note (takeGone).
            ObjectNode note = Json.object();
            note.put("certificateId", certificateId);
            note.put("doneAt", Instant.now().toString());
            PrivateFiles.write(goneFile(file), Json.write(note));
            LOG.info("certificate {} is not in the registry (already gone), so it cannot connect; request {} is done",
                    certificateId, file.getFileName());
            deleteApplied(file);
            return true;
        }
        try {
            // Also when it already has that status: the registry's listeners close its connections all the same.
            registry.setStatus(certificateId, status);
        } catch (LocalIotRegistry.RevokedException e) {
            reject(file, text, e.getMessage());
            return false;
        }
        LOG.info("certificate {} is now {} (request {}); its connections were closed", certificateId,
                registry.certificate(certificateId).map(c -> c.status().name()).orElse("?"), file.getFileName());
        deleteApplied(file);
        return true;
    }

    private static void deleteApplied(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("applied request {} but cannot delete it: {}", file, e.getMessage());
        }
    }

    /**
     * Replaces a refused request by its {@code *.rejected} file: the reason, when, and the request
     * as it was (when it could be read). The rejection is written before the request disappears, so
     * whoever waits for the request to go finds the reason ({@link #rejection}).
     *
     * @throws IOException when the rejection cannot be written: the request stays pending
     */
    private void reject(Path file, String text, String reason) throws IOException {
        Path aside = rejectedFile(file);
        ObjectNode rejection = Json.object();
        rejection.put("reason", reason);
        rejection.put("rejectedAt", Instant.now().toString());
        if (text != null) {
            rejection.put("request", text);
        }
        PrivateFiles.write(aside, Json.write(rejection));
        Files.deleteIfExists(file);
        LOG.warn("certificate status request {} refused ({}); moved to {}", file, reason, aside.getFileName());
    }

    /** The file a refused request {@code request} is replaced by. */
    public static Path rejectedFile(Path request) {
        return request.resolveSibling(request.getFileName() + REJECTED_SUFFIX);
    }

    /** The note a request {@code request} leaves when its certificate was already gone. */
    public static Path goneFile(Path request) {
        return request.resolveSibling(request.getFileName() + GONE_SUFFIX);
    }

    /**
     * Whether CMS Local found the certificate of a request already gone (for the process that
     * submitted it, once the request has disappeared); the note is taken away.
     *
     * @param request the file {@link #submit} returned
     */
    public static boolean takeGone(Path request) {
        try {
            return Files.deleteIfExists(goneFile(request));
        } catch (IOException e) {
            // It is there, only not removable: the answer stands, the note stays.
            LOG.debug("cannot remove the note {}: {}", goneFile(request), e.getMessage());
            return true;
        }
    }

    /**
     * Why CMS Local refused a request (for the process that submitted it).
     *
     * @param request the file {@link #submit} returned
     * @return the reason, or empty when the request was not refused
     */
    public static Optional<String> rejection(Path request) {
        Path rejected = rejectedFile(request);
        String text;
        try {
            text = Files.readString(rejected, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("the reason cannot be read from " + rejected + ": " + e.getMessage());
        }
        try {
            String reason = Json.parse(text).path("reason").asText("");
            return Optional.of(reason.isBlank() ? "no reason recorded in " + rejected : reason);
        } catch (RuntimeException e) {
            return Optional.of("no reason recorded in " + rejected);
        }
    }

    /** Stops polling; a request that arrives later is applied at the next start. */
    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }
}
