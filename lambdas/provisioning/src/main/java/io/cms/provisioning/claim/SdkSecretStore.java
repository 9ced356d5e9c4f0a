package io.cms.provisioning.claim;

import io.cms.lambda.common.AwsClients;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@link SecretStore} on AWS Secrets Manager (SDK v2). */
public final class SdkSecretStore implements SecretStore {

    private final SecretsManagerClient secrets;

    /** A store on a client built the project's way (region, user agent, endpoint from the environment). */
    public SdkSecretStore() {
        this(AwsClients.build(SecretsManagerClient.builder()));
    }

    public SdkSecretStore(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    @Override
    public Optional<Description> describe(String secretId) {
        try {
            DescribeSecretResponse d = secrets.describeSecret(b -> b.secretId(secretId));
            Map<String, Set<String>> stages = new LinkedHashMap<>();
            d.versionIdsToStages().forEach((version, labels) -> stages.put(version, new LinkedHashSet<>(labels)));
            return Optional.of(new Description(d.arn(), d.kmsKeyId(), Boolean.TRUE.equals(d.rotationEnabled()), stages));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Version> valueAt(String secretId, String stage) {
        try {
            GetSecretValueResponse r = secrets.getSecretValue(b -> b.secretId(secretId).versionStage(stage));
            return Optional.of(new Version(r.versionId(), r.secretString()));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Version> value(String secretId, String versionId, String stage) {
        try {
            GetSecretValueResponse r = secrets.getSecretValue(b -> b.secretId(secretId).versionId(versionId).versionStage(stage));
            return Optional.of(new Version(r.versionId(), r.secretString()));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public String create(String name, String kmsKeyId, String description, String value) {
        return secrets.createSecret(b -> b.name(name).kmsKeyId(kmsKeyId).description(description).secretString(value)).arn();
    }

    @Override
    public void putValue(String secretId, String versionId, String value, Set<String> stages) {
        secrets.putSecretValue(b -> b.secretId(secretId).clientRequestToken(versionId).secretString(value)
                .versionStages(stages));
    }

    @Override
    public void reencrypt(String secretId, String kmsKeyId, String value) {
        secrets.updateSecret(b -> b.secretId(secretId).kmsKeyId(kmsKeyId).secretString(value));
    }

    @Override
    public void moveStage(String secretId, String stage, String toVersionId, String fromVersionId) {
        secrets.updateSecretVersionStage(b -> b.secretId(secretId).versionStage(stage).moveToVersionId(toVersionId)
                .removeFromVersionId(fromVersionId));
    }
}
