package io.cms.provisioning.claim;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Secrets Manager operations the claim certificate needs. Implementations keep Secrets
 * Manager's version rules: a version is named by a client token; staging labels
 * ({@code AWSCURRENT}, {@code AWSPENDING}, {@code AWSPREVIOUS}) are on at most one version each;
 * moving {@code AWSCURRENT} puts {@code AWSPREVIOUS} on the version that had it; putting the same
 * token with the same value again is a no-op, with another value an error.
 */
public interface SecretStore {

    /** The current stage label. */
    String CURRENT = "AWSCURRENT";
    /** The label of the version a rotation is building. */
    String PENDING = "AWSPENDING";
    /** The label Secrets Manager moves to the version that was current. */
    String PREVIOUS = "AWSPREVIOUS";

    /**
     * A secret's metadata.
     *
     * @param arn the secret's ARN
     * @param kmsKeyId the key new versions are encrypted with (null for the AWS managed key)
     * @param rotationEnabled whether rotation is on
     * @param versionStages the stage labels of every version, by version id
     */
    record Description(String arn, String kmsKeyId, boolean rotationEnabled, Map<String, Set<String>> versionStages) {

        /** The version carrying {@code stage}, or empty. */
        public Optional<String> versionWith(String stage) {
            return versionStages.entrySet().stream().filter(e -> e.getValue().contains(stage))
                    .map(Map.Entry::getKey).findFirst();
        }
    }

    /**
     * One version's value.
     *
     * @param versionId the version id (the client request token it was put with)
     * @param value the secret string
     */
    record Version(String versionId, String value) {
        @Override
        public String toString() {
            return "Version[" + versionId + "]";
        }
    }

    /** The secret's metadata, or empty when it does not exist. */
    Optional<Description> describe(String secretId);

    /** The version carrying {@code stage}, or empty when the secret or such a version does not exist. */
    Optional<Version> valueAt(String secretId, String stage);

    /** The version {@code versionId} if it carries {@code stage}, or empty. */
    Optional<Version> value(String secretId, String versionId, String stage);

    /**
     * Creates the secret with a first (current) version.
     *
     * @return the secret's ARN
     */
    String create(String name, String kmsKeyId, String description, String value);

    /** Adds a version with the given token and stage labels (idempotent for the same token and value). */
    void putValue(String secretId, String versionId, String value, Set<String> stages);

    /** Changes the key new versions are encrypted with and adds {@code value} as the new current version. */
    void reencrypt(String secretId, String kmsKeyId, String value);

    /** Moves {@code stage} to {@code toVersionId}, removing it from {@code fromVersionId} (null when none has it). */
    void moveStage(String secretId, String stage, String toVersionId, String fromVersionId);
}
