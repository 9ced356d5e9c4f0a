package io.cms.local.iot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.local.broker.Principal;
import io.cms.local.broker.PrincipalDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IoT registry of CMS Local: certificates (status, owner thing, whether it is the claim
 * certificate) and things. It stands in for the AWS IoT control plane. State is an append-only
 * journal of JSON lines in the data directory, replayed on start, so a restart keeps every
 * provisioned vehicle and a crash loses at most the line being written. A change is written to the
 * journal before it is made in memory: when the write fails (disk full, I/O error) the change is
 * not made, the caller gets an {@link UncheckedIOException}, and the same change can be retried.
 *
 * <p>The broker checks a certificate only when a client connects; IoT Core also closes the
 * connections of a certificate that is deactivated, revoked or deleted. So every such change, by
 * whoever makes it (the Provisioning domain through the control plane, the CLI's status requests,
 * fleet provisioning), is reported to the {@link #onCertificateRetired listeners}, which CMS Local
 * wires to the broker's disconnect.
 */
public final class LocalIotRegistry implements PrincipalDirectory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalIotRegistry.class);

    /** Certificate states, as AWS IoT names them. */
    public enum Status { ACTIVE, INACTIVE, REVOKED, PENDING_ACTIVATION }

    /** A status change of a REVOKED certificate: REVOKED is final, as in AWS IoT, which refuses it too. */
    public static final class RevokedException extends IllegalStateException {
        RevokedException(String certificateId, Status requested) {
            super("certificate " + certificateId + " is REVOKED, which is final: it stays REVOKED and cannot become " + requested);
        }
    }

    /**
     * A registered certificate.
     *
     * @param certificateId hex SHA-256 of the DER certificate
     * @param status its status
     * @param thingName the thing it is attached to, or null
     * @param claim whether it is the fleet-provisioning claim certificate
     * @param createdAt when it was registered
     */
    public record Certificate(String certificateId, Status status, String thingName, boolean claim, Instant createdAt) {
    }

    /** The journal's file name inside the registry directory. */
    public static final String JOURNAL = "registry.jsonl";

    private final Map<String, Certificate> certificates = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> things = new ConcurrentHashMap<>();
    private final List<Consumer<String>> retiredListeners = new CopyOnWriteArrayList<>();
    private final Path journal;
    /** Unbuffered: a line whose write failed is not written again with the next one. */
    private final OutputStream out;
    /** Whether the last write failed, perhaps halfway: the next line starts on a line of its own. */
    private boolean torn;

    private LocalIotRegistry(Path journal, UnaryOperator<OutputStream> output) throws IOException {
        this.journal = journal;
        replay(journal, certificates, things);
        this.out = output.apply(Files.newOutputStream(journal, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** Opens (and replays) the registry journal in {@code dir}. */
    public static LocalIotRegistry open(Path dir) {
        return open(dir, UnaryOperator.identity());
    }

    /** @param output wraps the journal's output stream (a seam for tests that make writes fail) */
    static LocalIotRegistry open(Path dir, UnaryOperator<OutputStream> output) {
        try {
            Files.createDirectories(dir);
            return new LocalIotRegistry(dir.resolve(JOURNAL), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the IoT registry in " + dir, e);
        }
    }

    /**
     * Reads every certificate's current state from the journal in {@code dir}, in one pass and
     * without opening it for writing: for other processes that look at several certificates.
     *
     * @return the certificates by id (empty when the journal does not exist)
     */
    public static Map<String, Certificate> readCertificates(Path dir) {
        Map<String, Certificate> certificates = new java.util.HashMap<>();
        try {
            replay(dir.resolve(JOURNAL), certificates, new java.util.HashMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the IoT registry journal in " + dir, e);
        }
        return certificates;
    }

    /** Registers a certificate; the claim certificate is registered ACTIVE, vehicle ones INACTIVE until provisioned. */
    public synchronized Certificate register(String certificateId, Status status, boolean claim) {
        Certificate existing = certificates.get(certificateId);
        if (existing != null) {
            return existing;
        }
        Certificate c = new Certificate(certificateId, status, null, claim, Instant.now());
        append(event("certificate", c));
        apply(certificates, c);
        return c;
    }

    /**
     * Adds a listener called with a certificate's id after it was set to a status other than ACTIVE
     * (also when it already had that status) or deleted: the change is journaled and in force
     * before, so a client cannot authenticate with it again in between. Listeners run on the
     * caller's thread, outside the registry's lock; one that fails is logged and does not undo the
     * change nor keep the others from running.
     */
    public void onCertificateRetired(Consumer<String> listener) {
        retiredListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Changes a certificate's status (a repeated status is not journaled again, but still reported
     * to the {@link #onCertificateRetired listeners} when it is not ACTIVE); unknown ids are an
     * {@link IllegalArgumentException}.
     */
    public Certificate setStatus(String certificateId, Status status) {
        Certificate updated = changeStatus(certificateId, status);
        if (status != Status.ACTIVE) {
            retired(certificateId);
        }
        return updated;
    }

    private synchronized Certificate changeStatus(String certificateId, Status status) {
        Certificate c = certificate(certificateId).orElseThrow(() -> new IllegalArgumentException("unknown certificate " + certificateId));
        if (c.status() == Status.REVOKED && status != Status.REVOKED) {
            throw new RevokedException(certificateId, status);
        }
        if (c.status() == status) {
            return c;
        }
        Certificate updated = new Certificate(c.certificateId(), status, c.thingName(), c.claim(), c.createdAt());
        append(event("certificate", updated));
        apply(certificates, updated);
        return updated;
    }

    /** Creates or updates a thing and attaches the certificate to it. */
    public synchronized void attach(String thingName, Map<String, String> attributes, String certificateId) {
        Certificate c = certificate(certificateId).orElseThrow(() -> new IllegalArgumentException("unknown certificate " + certificateId));
        Certificate updated = new Certificate(c.certificateId(), c.status(), thingName, c.claim(), c.createdAt());
        ObjectNode thing = Json.object();
        thing.put("type", "thing");
        thing.put("thingName", thingName);
        thing.set("attributes", Json.object(attributes));
        // One line for the thing and its attached certificate: a failed write leaves neither.
        thing.set("certificate", event("certificate", updated));
        append(thing);
        things.put(thingName, Map.copyOf(attributes));
        apply(certificates, updated);
    }

    /** Detaches a certificate from its thing; detaching what is not attached is a no-op. */
    public synchronized void detach(String thingName, String certificateId) {
        Certificate c = certificates.get(certificateId);
        if (c == null || !thingName.equals(c.thingName())) {
            return;
        }
        Certificate updated = new Certificate(c.certificateId(), c.status(), null, c.claim(), c.createdAt());
        append(event("certificate", updated));
        apply(certificates, updated);
    }

    /**
     * Deletes a certificate, with IoT's rules: an ACTIVE certificate or one still attached to a
     * thing cannot be deleted. A deletion is reported to the {@link #onCertificateRetired listeners}.
     *
     * @return false when there was no such certificate
     * @throws IllegalStateException when the certificate is ACTIVE or attached
     */
    public boolean delete(String certificateId) {
        boolean deleted = remove(certificateId);
        if (deleted) {
            retired(certificateId);
        }
        return deleted;
    }

    private synchronized boolean remove(String certificateId) {
        Certificate c = certificates.get(certificateId);
        if (c == null) {
            return false;
        }
        if (c.status() == Status.ACTIVE) {
            throw new IllegalStateException("certificate " + certificateId + " is ACTIVE; deactivate it before deleting");
        }
        if (c.thingName() != null) {
            throw new IllegalStateException("certificate " + certificateId + " is attached to thing " + c.thingName());
        }
        ObjectNode node = Json.object();
        node.put("type", "deleted");
        node.put("certificateId", certificateId);
        append(node);
        certificates.remove(certificateId);
        return true;
    }

    /** Tells the listeners that a certificate may no longer be used. */
    private void retired(String certificateId) {
        for (Consumer<String> listener : retiredListeners) {
            try {
                listener.accept(certificateId);
            } catch (RuntimeException e) {
                LOG.warn("a listener of retired certificates failed for {}: {}", certificateId, e.toString());
            }
        }
    }

    public Optional<Certificate> certificate(String certificateId) {
        return Optional.ofNullable(certificates.get(certificateId));
    }

    /** Every registered certificate, as they are now. */
    public List<Certificate> certificates() {
        return List.copyOf(certificates.values());
    }

    /** The certificates attached to a thing. */
    public List<Certificate> certificatesOf(String thingName) {
        List<Certificate> out = new ArrayList<>();
        for (Certificate c : certificates.values()) {
            if (thingName.equals(c.thingName())) {
                out.add(c);
            }
        }
        return out;
    }

    /** A thing's attributes, or empty when it does not exist. */
    public Optional<Map<String, String>> thing(String thingName) {
        return Optional.ofNullable(things.get(thingName));
    }

    @Override
    public Optional<Principal> activePrincipal(String certificateId) {
        Certificate c = certificates.get(certificateId);
        if (c == null || c.status() != Status.ACTIVE) {
            return Optional.empty();
        }
        if (c.claim()) {
            return Optional.of(new Principal(certificateId, Principal.Kind.CLAIM, null));
        }
        return c.thingName() == null ? Optional.empty()
                : Optional.of(new Principal(certificateId, Principal.Kind.VEHICLE, c.thingName()));
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("closing the registry journal failed: {}", e.getMessage());
        }
    }

    /** Records a certificate's state in a map of certificates: this registry's, or one being replayed. */
    private static void apply(Map<String, Certificate> certificates, Certificate c) {
        certificates.put(c.certificateId(), c);
    }

    private static Certificate certificateOf(JsonNode node) {
        return new Certificate(node.get("certificateId").asText(), Status.valueOf(node.get("status").asText()),
                node.hasNonNull("thingName") ? node.get("thingName").asText() : null, node.path("claim").asBoolean(),
                Instant.parse(node.get("createdAt").asText()));
    }

    private static ObjectNode event(String type, Certificate c) {
        ObjectNode node = Json.object();
        node.put("type", type);
        node.put("certificateId", c.certificateId());
        node.put("status", c.status().name());
        if (c.thingName() != null) {
            node.put("thingName", c.thingName());
        }
        node.put("claim", c.claim());
        node.put("createdAt", c.createdAt().toString());
        return node;
    }

    private void append(ObjectNode node) {
        String line = (torn ? "\n" : "") + Json.write(node) + "\n";
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
            torn = false;
        } catch (IOException e) {
            // Replay skips the fragment a failed write may have left, as it skips a torn last line.
            torn = true;
            throw new UncheckedIOException("cannot write the IoT registry journal " + journal + ": " + e.getMessage(), e);
        }
    }

    private static void replay(Path journal, Map<String, Certificate> certificates,
                               Map<String, Map<String, String>> things) throws IOException {
        if (!Files.exists(journal)) {
            return;
        }
        int line = 0;
        for (String text : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode node = Json.parse(text);
                switch (node.path("type").asText()) {
                    case "certificate" -> apply(certificates, certificateOf(node));
                    case "thing" -> {
                        Map<String, String> attributes = new java.util.LinkedHashMap<>();
                        node.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
                        Certificate attached = node.has("certificate") ? certificateOf(node.get("certificate")) : null;
                        things.put(node.get("thingName").asText(), Map.copyOf(attributes));
                        if (attached != null) {
                            apply(certificates, attached);
                        }
                    }
                    case "deleted" -> certificates.remove(node.get("certificateId").asText());
                    default -> LOG.warn("registry journal line {} has an unknown type; skipped", line);
                }
            } catch (RuntimeException e) {
                // A torn last line after a crash: everything before it is intact.
                LOG.warn("registry journal line {} is unreadable ({}); skipped", line, e.getMessage());
            }
        }
    }
}
