package io.cms.provisioning.iot;

import io.cms.provisioning.claim.ClaimCertificateIot;
import io.cms.provisioning.claim.ClaimCredentials;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-process IoT registry for tests, benchmarks and the CLI's dry runs. No IoT control-plane
 * emulator exists, so this one enforces the rules of the real service that Provisioning depends on:
 * certificate ids are 64 hex characters; an ACTIVE certificate cannot be deleted; a certificate
 * attached to a thing cannot be deleted; force-delete detaches policies; fleet provisioning
 * (RegisterThing) needs an existing certificate, merges thing attributes, attaches and activates
 * the certificate, and emits a registry thing event. For the claim certificate it also keeps
 * policies: a certificate's id is the SHA-256 of its DER bytes (so registering the same PEM again
 * gives the same id and is refused while IoT holds it), policies must exist to be attached, and
 * attaching twice is a no-op. The "certificates" it creates are random DER bytes in PEM armour
 * with a real EC key pair: Provisioning never parses them. Thread-safe: every operation is atomic.
 */
public final class InMemoryIotRegistry implements IotRegistry, ClaimCertificateIot {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final class Cert {
        final String id;
        final String arn;
        IotCertificateStatus status;
        final Set<String> policies = new LinkedHashSet<>();

        Cert(String id, String arn, IotCertificateStatus status) {
            this.id = id;
            this.arn = arn;
            this.status = status;
        }
    }

    private static final class Thing {
        final Map<String, String> attributes = new LinkedHashMap<>();
        final Set<String> principals = new LinkedHashSet<>();
        long version;
    }

    private final String arnPrefix;
    private final Map<String, Cert> certificates = new LinkedHashMap<>();
    private final Map<String, Thing> things = new LinkedHashMap<>();
    private final Map<String, String> certificateIdByArn = new LinkedHashMap<>();
    private final Set<String> policyNames = new HashSet<>();

    /** A registry whose ARNs look like those of account 123456789012 in us-east-1. */
    public InMemoryIotRegistry() {
        this("arn:aws:iot:us-east-1:123456789012:");
    }

    /** A registry whose ARNs start with {@code arnPrefix} (e.g. {@code arn:aws:iot:eu-west-1:111122223333:}). */
    public InMemoryIotRegistry(String arnPrefix) {
        this.arnPrefix = arnPrefix;
    }

    /**
     * Like {@code CreateKeysAndCertificate} of fleet provisioning: a new certificate, not yet
     * usable (INACTIVE) until RegisterThing activates it.
     *
     * @return the new certificate id
     */
    public synchronized String createCertificate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        String arn = arnPrefix + "cert/" + id;
        certificates.put(id, new Cert(id, arn, IotCertificateStatus.INACTIVE));
        certificateIdByArn.put(arn, id);
        return id;
    }

    /**
     * What a fleet-provisioning template does once the pre-provisioning hook allowed it: creates
     * or updates the thing (attributes merged), attaches the certificate, attaches the policy and
     * sets the certificate ACTIVE; then returns the registry event IoT would publish on
     * {@code $aws/events/thing/{thingName}/{created|updated}}.
     *
     * @throws IotNotFoundException when the certificate no longer exists
     */
    public synchronized ThingEventSnapshot registerThing(String thingName, Map<String, String> attributes,
                                                        String certificateId, String policyName) {
        Cert cert = certificates.get(certificateId);
        if (cert == null) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist");
        }
        boolean created = !things.containsKey(thingName);
        Thing thing = things.computeIfAbsent(thingName, n -> new Thing());
        thing.attributes.putAll(attributes);
        thing.version++;
        thing.principals.add(cert.arn);
        cert.policies.add(policyName);
        cert.status = IotCertificateStatus.ACTIVE;
        return new ThingEventSnapshot(created ? "CREATED" : "UPDATED", thingName, Map.copyOf(thing.attributes), thing.version);
    }

    /**
     * A registry thing event as captured at the moment of the change.
     *
     * @param operation CREATED or UPDATED
     * @param thingName the thing
     * @param attributes its attributes after the change
     * @param versionNumber the thing version after the change
     */
    public record ThingEventSnapshot(String operation, String thingName, Map<String, String> attributes, long versionNumber) {
    }

    @Override
    public synchronized Optional<IotCertificate> describeCertificate(String certificateId) {
        Cert c = certificates.get(certificateId);
        return c == null ? Optional.empty() : Optional.of(new IotCertificate(c.id, c.arn, c.status));
    }

    @Override
    public synchronized void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        Cert c = certificates.get(certificateId);
        if (c == null) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist");
        }
        if (status != IotCertificateStatus.ACTIVE && status != IotCertificateStatus.INACTIVE
                && status != IotCertificateStatus.REVOKED) {
            throw new IllegalArgumentException("UpdateCertificate cannot set status " + status);
        }
        if (c.status == IotCertificateStatus.REVOKED && status != IotCertificateStatus.REVOKED) {
            // IoT: a revoked certificate can never be activated again.
            throw new IotConflictException("certificate " + certificateId + " is REVOKED and cannot become " + status);
        }
        c.status = status;
    }

    @Override
    public synchronized List<String> thingPrincipals(String thingName) {
        Thing t = things.get(thingName);
        return t == null ? List.of() : List.copyOf(t.principals);
    }

    @Override
    public synchronized void detachThingPrincipal(String thingName, String certificateArn) {
        Thing t = things.get(thingName);
        if (t == null) {
            throw new IotNotFoundException("thing " + thingName + " does not exist");
        }
        t.principals.remove(certificateArn);
    }

    @Override
    public synchronized void deleteCertificate(String certificateId) {
        Cert c = certificates.get(certificateId);
        if (c == null) {
            throw new IotNotFoundException("certificate " + certificateId + " does not exist");
        }
        if (c.status == IotCertificateStatus.ACTIVE) {
            throw new IotConflictException("certificate " + certificateId + " is ACTIVE; deactivate it before deleting");
        }
        for (Map.Entry<String, Thing> t : things.entrySet()) {
            if (t.getValue().principals.contains(c.arn)) {
                throw new IotConflictException("certificate " + certificateId + " is attached to thing " + t.getKey());
            }
        }
        c.policies.clear();
        certificates.remove(certificateId);
        certificateIdByArn.remove(c.arn);
    }

    @Override
    public synchronized Optional<Map<String, String>> thingAttributes(String thingName) {
        Thing t = things.get(thingName);
        return t == null ? Optional.empty() : Optional.of(Map.copyOf(t.attributes));
    }

    /** Like {@code CreatePolicy}: a policy certificates may then be attached to. */
    public synchronized void createPolicy(String policyName) {
        policyNames.add(policyName);
    }

    @Override
    public ClaimCredentials createKeysAndCertificate() {
        byte[] der = new byte[512];
        RANDOM.nextBytes(der);
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC key pair generator", e);
        }
        String pem = pem("CERTIFICATE", der);
        String id = fingerprint(der);
        String arn = arnPrefix + "cert/" + id;
        synchronized (this) {
            certificates.put(id, new Cert(id, arn, IotCertificateStatus.INACTIVE));
            certificateIdByArn.put(arn, id);
        }
        return new ClaimCredentials(id, arn, pem, pem("PUBLIC KEY", keys.getPublic().getEncoded()),
                pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    @Override
    public synchronized IotCertificate registerCertificate(String certificatePem, IotCertificateStatus status) {
        if (status != IotCertificateStatus.ACTIVE && status != IotCertificateStatus.INACTIVE) {
            throw new IllegalArgumentException("RegisterCertificateWithoutCA cannot set status " + status);
        }
        String id = fingerprint(der(certificatePem));
        if (certificates.containsKey(id)) {
            throw new IotConflictException("certificate " + id + " is already registered");
        }
        String arn = arnPrefix + "cert/" + id;
        certificates.put(id, new Cert(id, arn, status));
        certificateIdByArn.put(arn, id);
        return new IotCertificate(id, arn, status);
    }

    @Override
    public synchronized void attachPolicy(String policyName, String certificateArn) {
        if (!policyNames.contains(policyName)) {
            throw new IotNotFoundException("policy " + policyName + " does not exist");
        }
        String id = certificateIdByArn.get(certificateArn);
        if (id == null) {
            throw new IotNotFoundException("certificate " + certificateArn + " does not exist");
        }
        certificates.get(id).policies.add(policyName);
    }

    @Override
    public synchronized void detachPolicy(String policyName, String certificateArn) {
        String id = certificateIdByArn.get(certificateArn);
        if (id != null) {
            certificates.get(id).policies.remove(policyName);
        }
    }

    @Override
    public synchronized List<String> attachedPolicies(String certificateArn) {
        String id = certificateIdByArn.get(certificateArn);
        return id == null ? List.of() : List.copyOf(certificates.get(id).policies);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem) {
        String body = pem == null ? "" : pem.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            if (der.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the certificate is not a PEM-encoded certificate", e);
        }
    }

    private static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Every certificate IoT holds, with its status (for assertions). */
    public synchronized List<IotCertificate> certificates() {
        List<IotCertificate> out = new ArrayList<>();
        for (Cert c : certificates.values()) {
            out.add(new IotCertificate(c.id, c.arn, c.status));
        }
        return out;
    }

    /** The certificate ids attached to a thing (for assertions). */
    public synchronized List<String> thingCertificateIds(String thingName) {
        List<String> out = new ArrayList<>();
        for (String arn : thingPrincipals(thingName)) {
            out.add(certificateIdByArn.get(arn));
        }
        return out;
    }
}
