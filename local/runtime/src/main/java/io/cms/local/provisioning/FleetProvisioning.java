package io.cms.local.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Printable;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS IoT fleet provisioning by claim, over the same MQTT topics and JSON shapes:
 * {@code $aws/certificates/create/json} (CreateKeysAndCertificate),
 * {@code $aws/certificates/create-from-csr/json} (CreateCertificateFromCsr) and
 * {@code $aws/provisioning-templates/{template}/provision/json} (RegisterThing), each answered on
 * {@code .../accepted} or {@code .../rejected}. Certificates come from the local CA; the
 * pre-provisioning decision and the post-provisioning work are the Provisioning module's domain.
 */
public final class FleetProvisioning {

    private static final Logger LOG = LoggerFactory.getLogger(FleetProvisioning.class);
    /** How long a certificate ownership token stays valid (AWS: one hour). */
    public static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    /** The template parameter naming the thing (the VIN). */
    private static final String VIN = "vin";

    /** Sends a reply to one client. */
    @FunctionalInterface
    public interface Replier {
        CompletableFuture<Void> reply(String clientId, String topic, byte[] payload);
    }

    /**
     * An ownership token not used yet.
     *
     * @param vin the VIN of a registration whose post-provisioning failed (it may have recorded the
     *     activation), to reconcile when the token expires; null otherwise
     */
    private record PendingToken(String certificateId, String claimCertificateId, Instant expiresAt, String vin) {
        PendingToken failedFor(String thingName) {
            return new PendingToken(certificateId, claimCertificateId, expiresAt, thingName);
        }
    }

    private final LocalCa ca;
    private final LocalIotRegistry registry;
    private final ProvisioningHooks hooks;
    private final String templateName;
    private final Duration certificateValidity;
    private final Clock clock;
    private final Map<String, PendingToken> tokens = new ConcurrentHashMap<>();
    /** Registrations of VINs hashing to the same lock run one at a time. */
    private final Object[] vinLocks = new Object[64];
    private volatile Replier replier;

    public FleetProvisioning(LocalCa ca, LocalIotRegistry registry, ProvisioningHooks hooks, String templateName,
                             Duration certificateValidity) {
        this(ca, registry, hooks, templateName, certificateValidity, Clock.systemUTC());
    }

    /** @param clock when ownership tokens expire (a seam for tests) */
    FleetProvisioning(LocalCa ca, LocalIotRegistry registry, ProvisioningHooks hooks, String templateName,
                      Duration certificateValidity, Clock clock) {
        this.ca = ca;
        this.registry = registry;
        this.hooks = hooks;
        this.templateName = templateName;
        this.certificateValidity = certificateValidity;
        this.clock = clock;
        for (int i = 0; i < vinLocks.length; i++) {
            vinLocks[i] = new Object();
        }
    }

    /** Where replies go (the broker); set once the broker is up. */
    public void replyThrough(Replier replier) {
        this.replier = replier;
    }

    /** The topic rules this service answers. */
    public List<TopicRule> rules() {
        return List.of(
                new TopicRule("create-keys-and-certificate", "$aws/certificates/create/json",
                        guarded(this::createKeysAndCertificate), false),
                new TopicRule("create-certificate-from-csr", "$aws/certificates/create-from-csr/json",
                        guarded(this::createFromCsr), false),
                new TopicRule("register-thing", "$aws/provisioning-templates/+/provision/json", guarded(this::registerThing), false));
    }

    /** Any unexpected failure still gets a rejected reply, so the device is not left waiting. */
    private TopicRule.Handler guarded(TopicRule.Handler handler) {
        return m -> {
            try {
                return handler.handle(m);
            } catch (RuntimeException e) {
                LOG.warn("fleet provisioning request on {} failed: {}", Printable.clip(m.topic(), 200),
                        Printable.clip(String.valueOf(e), 300));
                return internalFailure(m);
            }
        };
    }

    /**
     * Deletes the certificates CreateKeysAndCertificate or CreateCertificateFromCsr made that can no
     * longer be registered: ownership tokens live in memory only, so after a restart every token
     * handed out before is unknown, and the certificates behind them would otherwise stay forever.
     * Call it when CMS Local starts, before the broker takes requests.
     *
     * <p>The rule: a certificate that is INACTIVE, is not the claim certificate, is attached to no
     * thing and has no live token here. Only RegisterThing with its token could still attach and
     * activate such a certificate, so nothing else is lost. Certificates INACTIVE for other reasons
     * stay: a revoked vehicle's certificate ({@code cms registry revoke}) is still attached to its
     * thing, and REVOKED ones keep their final status. A certificate the Provisioning domain retired
     * (deactivated and detached) but could not delete yet is deleted, as the domain meant to.
     *
     * @return how many certificates were deleted
     */
    public int deleteUnregisterableCertificates() {
        int deleted = purgeExpiredTokens();
        Set<String> waiting = new HashSet<>();
        tokens.values().forEach(p -> waiting.add(p.certificateId()));
        for (LocalIotRegistry.Certificate c : registry.certificates()) {
            if (c.status() == LocalIotRegistry.Status.INACTIVE && !c.claim() && c.thingName() == null
                    && !waiting.contains(c.certificateId()) && discard(null, c.certificateId())) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("deleted {} certificate(s) created for fleet provisioning whose ownership token is expired or was lost"
                    + " with a restart", deleted);
        }
        return deleted;
    }

    /**
     * What CMS Local runs at start, before the broker takes requests:
     * {@link #deleteUnregisterableCertificates()}, then the domain reconciles the registry's ACTIVE
     * certificates, all but the claim certificate, with the tables
     * ({@link ProvisioningHooks#reconcileAll}). A registration whose post-provisioning recorded the
     * activation and then failed left the new certificate INACTIVE and unattached here (deleted now:
     * its token is lost) and the older one ACTIVE although the domain retired it: that one is
     * retired, and the VIN is reported to the operator, who authorizes it again. A certificate ACTIVE
     * here that the tables do not account for (no row, or a VIN no longer authorized) is retired too,
     * with a WARN.
     *
     * @return how many certificates {@link #deleteUnregisterableCertificates()} deleted
     */
    public int cleanUpAtStart() {
        int deleted = deleteUnregisterableCertificates();
        hooks.reconcileAll(registry.certificates().stream()
                .filter(c -> c.status() == LocalIotRegistry.Status.ACTIVE && !c.claim())
                .toList());
        return deleted;
    }

    /** The claim certificate devices use to ask for their own; created once and registered ACTIVE. */
    public IssuedCertificate issueClaimCertificate() {
        IssuedCertificate claim = ca.issueClient("cms-local-claim", Duration.ofDays(3650));
        registry.register(claim.certificateId(), LocalIotRegistry.Status.ACTIVE, true);
        return claim;
    }

    private CompletionStage<Void> createKeysAndCertificate(InboundMessage m) {
        IssuedCertificate issued = ca.issueClient("CMS Local device", certificateValidity);
        registry.register(issued.certificateId(), LocalIotRegistry.Status.INACTIVE, false);
        ObjectNode body = Json.object();
        body.put("certificateId", issued.certificateId());
        body.put("certificatePem", issued.certificatePem());
        body.put("privateKey", issued.privateKeyPem());
        body.put("certificateOwnershipToken", newToken(issued.certificateId(), m));
        return reply(m, m.topic() + "/accepted", body);
    }

    private CompletionStage<Void> createFromCsr(InboundMessage m) {
        try {
            String csr = Json.requiredText(parse(m), "certificateSigningRequest");
            IssuedCertificate issued = ca.signCsr(csr, "CMS Local device", certificateValidity);
            registry.register(issued.certificateId(), LocalIotRegistry.Status.INACTIVE, false);
            ObjectNode body = Json.object();
            body.put("certificateId", issued.certificateId());
            body.put("certificatePem", issued.certificatePem());
            body.put("certificateOwnershipToken", newToken(issued.certificateId(), m));
            return reply(m, m.topic() + "/accepted", body);
        } catch (BadInputException | IllegalArgumentException e) {
            return reject(m, 400, "InvalidPayload", e.getMessage());
        }
    }

    private CompletionStage<Void> registerThing(InboundMessage m) {
        String requestedTemplate = m.topic().split("/")[2];
        if (!requestedTemplate.equals(templateName)) {
            return reject(m, 404, "ResourceNotFound", "provisioning template " + Printable.clip(requestedTemplate, 64)
                    + " does not exist");
        }
        String token;
        Map<String, String> parameters;
        try {
            JsonNode request = parse(m);
            token = Json.requiredText(request, "certificateOwnershipToken");
            parameters = parameters(request);
        } catch (BadInputException e) {
            return reject(m, 400, "InvalidPayload", e.getMessage());
        }
        // Taken only once the request is well-formed: a malformed one leaves the token usable.
        PendingToken pending = tokens.remove(token);
        if (pending == null || clock.instant().isAfter(pending.expiresAt())) {
            if (pending != null) {
                expire(pending);
            }
            return reject(m, 400, "InvalidCertificateOwnershipToken", "the certificate ownership token is unknown, used or expired");
        }
        String certificateId = pending.certificateId();
        Optional<LocalIotRegistry.Certificate> certificate = registry.certificate(certificateId);
        if (certificate.isEmpty() || certificate.get().status() != LocalIotRegistry.Status.INACTIVE) {
            return reject(m, 400, "InvalidCertificateOwnershipToken", "the certificate is not waiting to be provisioned");
        }
        ProvisioningHooks.Decision decision;
        try {
            decision = hooks.preProvision(pending.claimCertificateId(), certificateId, null, m.clientId(), parameters);
        } catch (RuntimeException e) {
            LOG.warn("pre-provisioning hook failed for vin {} (certificate {}): {}", vinOf(parameters), certificateId,
                    Printable.clip(String.valueOf(e), 300));
            tokens.put(token, pending);
            return internalFailure(m);
        }
        if (!decision.allow()) {
            LOG.info("provisioning refused for vin {} (parameters {}): {}", vinOf(parameters), keysOf(parameters),
                    Printable.clip(decision.reason(), 300));
            discard(null, certificateId);
            return reject(m, 403, "AccessDenied", decision.reason() == null ? "refused by the pre-provisioning hook" : decision.reason());
        }
        parameters.putAll(decision.parameterOverrides());
        String thingName = parameters.get(VIN);
        if (thingName == null || thingName.isBlank()) {
            discard(null, certificateId);
            return reject(m, 400, "InvalidParameters", "the template needs parameter 'vin'");
        }
        // One registration of a VIN at a time: a concurrent one would see (or delete) this certificate half-registered.
        synchronized (lockOf(thingName)) {
            return register(m, token, pending, thingName);
        }
    }

    /**
     * Runs post-provisioning and, only when it activated the certificate, attaches it to the thing
     * and makes it ACTIVE; otherwise the certificate stays INACTIVE and unattached. Once ACTIVE, the
     * domain is asked again whether it still is the VIN's ACTIVE certificate: a revocation in between
     * saw it INACTIVE here and could not deactivate it, so it is withdrawn.
     */
    private CompletionStage<Void> register(InboundMessage m, String token, PendingToken pending, String thingName) {
        String certificateId = pending.certificateId();
        ProvisioningHooks.PostOutcome outcome;
        try {
            outcome = hooks.postProvision(thingName, certificateId);
        } catch (RuntimeException e) {
            // The certificate stays INACTIVE; the device may retry with the same token. Post-provisioning
            // may have recorded the activation: if the token expires unused, the VIN is reconciled.
            LOG.warn("post-provisioning failed for {} / {}: {}", thingName, certificateId, Printable.clip(String.valueOf(e), 300));
            tokens.put(token, pending.failedFor(thingName));
            return internalFailure(m);
        }
        if (outcome != ProvisioningHooks.PostOutcome.ACTIVATE) {
            LOG.info("post-provisioning did not activate certificate {} of {}: {}", certificateId, thingName, outcome);
            discard(null, certificateId);
            return reject(m, 409, "ConflictingResourceUpdate", outcome == ProvisioningHooks.PostOutcome.SUPERSEDED
                    ? "a newer registration of " + thingName + " won; this certificate was retired"
                    : thingName + " may no longer be provisioned with this certificate; it was retired");
        }
        boolean stillActive;
        try {
            registry.attach(thingName, DomainProvisioningHooks.thingAttributes(thingName, certificateId, templateName),
                    certificateId);
            registry.setStatus(certificateId, LocalIotRegistry.Status.ACTIVE);
            stillActive = hooks.stillActive(thingName, certificateId);
        } catch (RuntimeException e) {
            LOG.error("certificate {} of {} was activated by post-provisioning but cannot be made ACTIVE in the registry, or checked"
                    + " again afterwards ({});"
                    + " authorize the vehicle again and let it provision anew", certificateId, thingName,
                    Printable.clip(String.valueOf(e), 300));
            withdraw(thingName, certificateId);
            return internalFailure(m);
        }
        if (!stillActive) {
            LOG.warn("certificate {} of {} was retired (e.g. the vehicle was revoked) while it was being registered;"
                    + " deactivated, detached and deleted", certificateId, thingName);
            withdraw(thingName, certificateId);
            return reject(m, 409, "ConflictingResourceUpdate", thingName
                    + " may no longer be provisioned with this certificate; it was retired");
        }
        ObjectNode body = Json.object();
        body.putObject("deviceConfiguration");
        body.put("thingName", thingName);
        return reply(m, m.topic() + "/accepted", body);
    }

    /** The template parameters: an object of strings, with the VIN. */
    private static Map<String, String> parameters(JsonNode request) {
        JsonNode params = request.path("parameters");
        if (!params.isObject()) {
            throw new BadInputException("'parameters' must be an object with the template parameters");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        params.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new BadInputException("template parameter '" + Printable.clip(e.getKey(), 64) + "' must be a string");
            }
            parameters.put(e.getKey(), e.getValue().textValue());
        });
        if (parameters.get(VIN) == null || parameters.get(VIN).isBlank()) {
            throw new BadInputException("the template needs parameter 'vin'");
        }
        return parameters;
    }

    private void detach(String thingName, String certificateId) {
        try {
            registry.detach(thingName, certificateId);
        } catch (RuntimeException e) {
            LOG.warn("could not detach certificate {} from {}: {}", certificateId, thingName, Printable.clip(String.valueOf(e), 300));
        }
    }

    /** Deactivates, detaches and deletes a certificate that was made ACTIVE but must not stay so. */
    private void withdraw(String thingName, String certificateId) {
        try {
            registry.setStatus(certificateId, LocalIotRegistry.Status.INACTIVE);
        } catch (RuntimeException e) {
            LOG.error("could not deactivate certificate {} of {}: {}", certificateId, thingName,
                    Printable.clip(String.valueOf(e), 300));
        }
        discard(thingName, certificateId);
    }

    /**
     * Deletes a certificate that will never be provisioned (post-provisioning may have deleted it already).
     *
     * @return whether this call deleted it
     */
    private boolean discard(String thingName, String certificateId) {
        if (thingName != null) {
            detach(thingName, certificateId);
        }
        try {
            return registry.delete(certificateId);
        } catch (RuntimeException e) {
            LOG.warn("could not delete unprovisioned certificate {}: {}", certificateId, Printable.clip(String.valueOf(e), 300));
            return false;
        }
    }

    private String newToken(String certificateId, InboundMessage m) {
        String token = UUID.randomUUID().toString();
        Instant now = clock.instant();
        tokens.put(token, new PendingToken(certificateId, m.certificateId(), now.plus(TOKEN_LIFETIME), null));
        purgeExpiredTokens();
        return token;
    }

    /**
     * Expired tokens go, and with them the certificates nobody registered in time.
     *
     * @return how many certificates were deleted
     */
    private int purgeExpiredTokens() {
        Instant now = clock.instant();
        int deleted = 0;
        for (Map.Entry<String, PendingToken> t : tokens.entrySet()) {
            if (now.isAfter(t.getValue().expiresAt()) && tokens.remove(t.getKey(), t.getValue()) && expire(t.getValue())) {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * Deletes the certificate of an expired token and, when its registration's post-provisioning
     * failed, has the domain reconcile the VIN (under the VIN's lock, so no registration of it is
     * half done): the failure may have recorded the activation and left the older certificate ACTIVE
     * here.
     *
     * @return whether the certificate was deleted
     */
    private boolean expire(PendingToken pending) {
        boolean deleted = discard(null, pending.certificateId());
        if (pending.vin() != null) {
            try {
                synchronized (lockOf(pending.vin())) {
                    hooks.reconcile(pending.vin());
                }
            } catch (RuntimeException e) {
                LOG.error("could not reconcile {} after its registration failed ({}); CMS Local reconciles it at its next"
                        + " start", pending.vin(), Printable.clip(String.valueOf(e), 300));
            }
        }
        return deleted;
    }

    private Object lockOf(String vin) {
        return vinLocks[Math.floorMod(vin.hashCode(), vinLocks.length)];
    }

    private static String vinOf(Map<String, String> parameters) {
        return Printable.clip(parameters.get(VIN), 32);
    }

    private static String keysOf(Map<String, String> parameters) {
        return Printable.clip(String.join(",", parameters.keySet()), 100);
    }

    private CompletionStage<Void> internalFailure(InboundMessage m) {
        return reject(m, 500, "InternalFailure", "provisioning failed on the server; try again");
    }

    private static JsonNode parse(InboundMessage m) {
        JsonNode node = Json.parse(new String(m.payload(), StandardCharsets.UTF_8));
        if (!node.isObject()) {
            throw new BadInputException("the request must be a JSON object");
        }
        return node;
    }

    private CompletionStage<Void> reject(InboundMessage m, int status, String code, String message) {
        ObjectNode body = Json.object();
        body.put("statusCode", status);
        body.put("errorCode", code);
        body.put("errorMessage", message);
        return reply(m, m.topic() + "/rejected", body);
    }

    private CompletionStage<Void> reply(InboundMessage m, String topic, ObjectNode body) {
        Replier r = replier;
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("fleet provisioning has no broker to reply through"));
        }
        // Reply after the request has been acknowledged, so the client has seen its PUBACK first.
        CompletableFuture.runAsync(() -> r.reply(m.clientId(), topic, Json.write(body).getBytes(StandardCharsets.UTF_8)));
        return CompletableFuture.completedFuture(null);
    }
}
