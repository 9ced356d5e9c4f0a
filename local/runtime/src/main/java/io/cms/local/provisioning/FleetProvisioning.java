package io.cms.local.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Sends a reply to one client. */
    @FunctionalInterface
    public interface Replier {
        CompletableFuture<Void> reply(String clientId, String topic, byte[] payload);
    }

    private record PendingToken(String certificateId, String claimCertificateId, Instant expiresAt) {
    }

    private final LocalCa ca;
    private final LocalIotRegistry registry;
    private final ProvisioningHooks hooks;
    private final String templateName;
    private final Duration certificateValidity;
    private final Map<String, PendingToken> tokens = new ConcurrentHashMap<>();
    private volatile Replier replier;

    public FleetProvisioning(LocalCa ca, LocalIotRegistry registry, ProvisioningHooks hooks, String templateName,
                             Duration certificateValidity) {
        this.ca = ca;
        this.registry = registry;
        this.hooks = hooks;
        this.templateName = templateName;
        this.certificateValidity = certificateValidity;
    }

    /** Where replies go (the broker); set once the broker is up. */
    public void replyThrough(Replier replier) {
        this.replier = replier;
    }

    /** The topic rules this service answers. */
    public List<TopicRule> rules() {
        return List.of(
                new TopicRule("create-keys-and-certificate", "$aws/certificates/create/json", this::createKeysAndCertificate, false),
                new TopicRule("create-certificate-from-csr", "$aws/certificates/create-from-csr/json", this::createFromCsr, false),
                new TopicRule("register-thing", "$aws/provisioning-templates/+/provision/json", this::registerThing, false));
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
            return reject(m, 404, "ResourceNotFound", "provisioning template " + requestedTemplate + " does not exist");
        }
        JsonNode request;
        String token;
        try {
            request = parse(m);
            token = Json.requiredText(request, "certificateOwnershipToken");
        } catch (BadInputException e) {
            return reject(m, 400, "InvalidPayload", e.getMessage());
        }
        PendingToken pending = tokens.remove(token);
        if (pending == null || Instant.now().isAfter(pending.expiresAt())) {
            return reject(m, 400, "InvalidCertificateOwnershipToken", "the certificate ownership token is unknown, used or expired");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        JsonNode params = request.path("parameters");
        if (!params.isObject()) {
            return reject(m, 400, "InvalidPayload", "'parameters' must be an object with the template parameters");
        }
        params.fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));

        Optional<LocalIotRegistry.Certificate> certificate = registry.certificate(pending.certificateId());
        if (certificate.isEmpty() || certificate.get().status() != LocalIotRegistry.Status.INACTIVE) {
            return reject(m, 400, "InvalidCertificateOwnershipToken", "the certificate is not waiting to be provisioned");
        }
        ProvisioningHooks.Decision decision;
        try {
            decision = hooks.preProvision(pending.claimCertificateId(), pending.certificateId(), null, m.clientId(), parameters);
        } catch (RuntimeException e) {
            LOG.warn("pre-provisioning hook failed for {}: {}", parameters, e.getMessage());
            return reject(m, 500, "InternalFailure", "pre-provisioning hook failed: " + e.getMessage());
        }
        if (!decision.allow()) {
            LOG.info("provisioning refused for {}: {}", parameters, decision.reason());
            return reject(m, 403, "AccessDenied", decision.reason() == null ? "refused by the pre-provisioning hook" : decision.reason());
        }
        parameters.putAll(decision.parameterOverrides());
        String thingName = parameters.get("vin");
        if (thingName == null || thingName.isBlank()) {
            return reject(m, 400, "InvalidParameters", "the template needs parameter 'vin'");
        }
        registry.attach(thingName, DomainProvisioningHooks.thingAttributes(thingName, pending.certificateId(), templateName),
                pending.certificateId());
        registry.setStatus(pending.certificateId(), LocalIotRegistry.Status.ACTIVE);
        try {
            hooks.postProvision(thingName, pending.certificateId());
        } catch (RuntimeException e) {
            // As in AWS, the device is provisioned; the thing-event handler failing is logged and retried by the operator.
            LOG.warn("post-provisioning failed for {} / {}: {}", thingName, pending.certificateId(), e.getMessage());
        }
        ObjectNode body = Json.object();
        body.putObject("deviceConfiguration");
        body.put("thingName", thingName);
        return reply(m, m.topic() + "/accepted", body);
    }

    private String newToken(String certificateId, InboundMessage m) {
        String token = UUID.randomUUID().toString();
        tokens.put(token, new PendingToken(certificateId, m.certificateId(), Instant.now().plus(TOKEN_LIFETIME)));
        tokens.entrySet().removeIf(e -> Instant.now().isAfter(e.getValue().expiresAt()));
        return token;
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
