package io.cms.provisioning.testutils;

import io.cms.provisioning.claim.SecretStore;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Secrets Manager in memory, with the version rules the claim certificate relies on: a secret is
 * found by name or ARN; creating an existing name fails; each staging label sits on at most one
 * version and moves when put elsewhere; moving AWSCURRENT puts AWSPREVIOUS on the version that had
 * it; {@code UpdateSecretVersionStage} refuses to move a label without naming the version it is on;
 * putting a token again with the same value is a no-op and with another value an error; a version
 * that RotateSecret announced (AWSPENDING without a value) has no value to get. {@link #failNextWrite}
 * makes the next write fail like a throttled or denied call.
 */
public final class InMemorySecretStore implements SecretStore {

    private static final class Secret {
        final String arn;
        String kmsKeyId;
        boolean rotationEnabled;
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, Set<String>> stages = new LinkedHashMap<>();

        Secret(String arn, String kmsKeyId) {
            this.arn = arn;
            this.kmsKeyId = kmsKeyId;
        }
    }

    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private boolean failNextWrite;

    @Override
    public synchronized Optional<Description> describe(String secretId) {
        Secret s = find(secretId);
        if (s == null) {
            return Optional.empty();
        }
        Map<String, Set<String>> stages = new LinkedHashMap<>();
        s.stages.forEach((v, labels) -> {
            if (!labels.isEmpty()) {
                stages.put(v, Set.copyOf(labels));
            }
        });
        return Optional.of(new Description(s.arn, s.kmsKeyId, s.rotationEnabled, stages));
    }

    @Override
    public synchronized Optional<Version> valueAt(String secretId, String stage) {
        Secret s = find(secretId);
        if (s == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, Set<String>> e : s.stages.entrySet()) {
            if (e.getValue().contains(stage) && s.values.containsKey(e.getKey())) {
                return Optional.of(new Version(e.getKey(), s.values.get(e.getKey())));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<Version> value(String secretId, String versionId, String stage) {
        Secret s = find(secretId);
        if (s == null || !s.values.containsKey(versionId) || !s.stages.getOrDefault(versionId, Set.of()).contains(stage)) {
            return Optional.empty();
        }
        return Optional.of(new Version(versionId, s.values.get(versionId)));
    }

    @Override
    public synchronized String create(String name, String kmsKeyId, String description, String value) {
        failIfAsked();
        if (find(name) != null) {
            throw new IllegalStateException("ResourceExistsException: the secret " + name + " already exists");
        }
        Secret s = new Secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf", kmsKeyId);
        secrets.put(name, s);
        String version = UUID.randomUUID().toString();
        s.values.put(version, value);
        s.stages.put(version, new LinkedHashSet<>());
        label(s, CURRENT, version);
        return s.arn;
    }

    @Override
    public synchronized void putValue(String secretId, String versionId, String value, Set<String> stages) {
        failIfAsked();
        Secret s = require(secretId);
        String existing = s.values.get(versionId);
        if (existing != null) {
            if (!existing.equals(value)) {
                throw new IllegalStateException("ResourceExistsException: version " + versionId + " already has another value");
            }
            return;
        }
        s.values.put(versionId, value);
        s.stages.putIfAbsent(versionId, new LinkedHashSet<>());
        for (String stage : stages) {
            label(s, stage, versionId);
        }
    }

    @Override
    public synchronized void reencrypt(String secretId, String kmsKeyId, String value) {
        failIfAsked();
        Secret s = require(secretId);
        s.kmsKeyId = kmsKeyId;
        String version = UUID.randomUUID().toString();
        s.values.put(version, value);
        s.stages.put(version, new LinkedHashSet<>());
        label(s, CURRENT, version);
    }

    @Override
    public synchronized void moveStage(String secretId, String stage, String toVersionId, String fromVersionId) {
        failIfAsked();
        Secret s = require(secretId);
        if (!s.stages.containsKey(toVersionId)) {
            throw new IllegalStateException("ResourceNotFoundException: no version " + toVersionId);
        }
        String holder = holder(s, stage);
        if (holder != null && !holder.equals(toVersionId) && !holder.equals(fromVersionId)) {
            throw new IllegalStateException("InvalidParameterException: " + stage + " is on version " + holder
                    + "; RemoveFromVersionId must name it");
        }
        label(s, stage, toVersionId);
    }

    /** Test setup: turns rotation on, like {@code RotateSecret} with a rotation function does. */
    public synchronized void enableRotation(String secretId) {
        require(secretId).rotationEnabled = true;
    }

    /** Like {@code RotateSecret}: announces a new version labelled AWSPENDING, without a value, and returns its token. */
    public synchronized String startRotation(String secretId) {
        Secret s = require(secretId);
        String token = UUID.randomUUID().toString();
        s.stages.put(token, new LinkedHashSet<>());
        label(s, PENDING, token);
        return token;
    }

    /** Test setup: makes the next create, put, re-encrypt or stage move fail. */
    public synchronized void failNextWrite() {
        failNextWrite = true;
    }

    /** The KMS key of a secret (for assertions). */
    public synchronized String kmsKeyId(String secretId) {
        return require(secretId).kmsKeyId;
    }

    /** How many versions hold a value (for assertions). */
    public synchronized int versionsWithValue(String secretId) {
        return require(secretId).values.size();
    }

    private void label(Secret s, String stage, String versionId) {
        String holder = holder(s, stage);
        if (versionId.equals(holder)) {
            return;
        }
        if (holder != null) {
            s.stages.get(holder).remove(stage);
            if (CURRENT.equals(stage)) {
                String previous = holder(s, PREVIOUS);
                if (previous != null) {
                    s.stages.get(previous).remove(PREVIOUS);
                }
                s.stages.get(holder).add(PREVIOUS);
            }
        }
        s.stages.get(versionId).add(stage);
    }

    private static String holder(Secret s, String stage) {
        return s.stages.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private void failIfAsked() {
        if (failNextWrite) {
            failNextWrite = false;
            throw new IllegalStateException("ThrottlingException: rate exceeded");
        }
    }

    private Secret find(String secretId) {
        Secret s = secrets.get(secretId);
        if (s != null) {
            return s;
        }
        return secrets.values().stream().filter(x -> x.arn.equals(secretId)).findFirst().orElse(null);
    }

    private Secret require(String secretId) {
        Secret s = find(secretId);
        if (s == null) {
            throw new IllegalStateException("ResourceNotFoundException: secret " + secretId + " does not exist");
        }
        return s;
    }
}
