package io.cms.auth;

import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.ConfigurationException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;

/** {@link AuthSecrets} over SSM {@code GetParameter} and Secrets Manager {@code GetSecretValue}. */
public final class AwsAuthSecrets implements AuthSecrets {

    private final SsmClient ssm;
    private final SecretsManagerClient secretsManager;

    public AwsAuthSecrets(SsmClient ssm, SecretsManagerClient secretsManager) {
        this.ssm = ssm;
        this.secretsManager = secretsManager;
    }

    /** Clients built the project's way (URL-connection HTTP, region, user agent, endpoint overrides). */
    public static AwsAuthSecrets fromEnvironment() {
        return new AwsAuthSecrets(AwsClients.build(SsmClient.builder()), AwsClients.build(SecretsManagerClient.builder()));
    }

    @Override
    public String parameter(String name) {
        try {
            return ssm.getParameter(r -> r.name(name)).parameter().value();
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read SSM parameter " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String secret(String arn) {
        GetSecretValueResponse response;
        try {
            response = secretsManager.getSecretValue(r -> r.secretId(arn));
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read secret " + arn + ": " + e.getMessage(), e);
        }
        if (response.secretString() == null) {
            throw new ConfigurationException("secret " + arn + " has no SecretString (binary secrets are not supported)");
        }
        return response.secretString();
    }
}
