package io.cms.auth;

import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.ConfigurationException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@link AuthSecrets} over SSM {@code GetParameter} and Secrets Manager {@code GetSecretValue}.
 * A function whose secret ARN is given never builds the SSM client.
 */
public final class AwsAuthSecrets implements AuthSecrets {

    private final Lazy<SsmClient> ssm;
    private final Lazy<SecretsManagerClient> secretsManager;

    public AwsAuthSecrets(SsmClient ssm, SecretsManagerClient secretsManager) {
        this(() -> ssm, () -> secretsManager);
    }

    private AwsAuthSecrets(Supplier<SsmClient> ssm, Supplier<SecretsManagerClient> secretsManager) {
        this.ssm = new Lazy<>(ssm);
        this.secretsManager = new Lazy<>(secretsManager);
    }

    /**
     * Clients built the project's way (URL-connection HTTP, region, user agent, endpoint overrides).
     * The Secrets Manager client, and the SSM client when {@code readsParameters}, are built now, during
     * the function's init phase (which SnapStart snapshots); an SSM client not expected to be needed is
     * built only if it ever is.
     */
    public static AwsAuthSecrets fromEnvironment(boolean readsParameters) {
        AwsAuthSecrets secrets = new AwsAuthSecrets(() -> AwsClients.build(SsmClient.builder()),
                () -> AwsClients.build(SecretsManagerClient.builder()));
        secrets.secretsManager.get();
        if (readsParameters) {
            secrets.ssm.get();
        }
        return secrets;
    }

    @Override
    public String parameter(String name) {
        try {
            return ssm.get().getParameter(r -> r.name(name)).parameter().value();
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read SSM parameter " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String secret(String arn) {
        GetSecretValueResponse response;
        try {
            response = secretsManager.get().getSecretValue(r -> r.secretId(arn));
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read secret " + arn + ": " + e.getMessage(), e);
        }
        if (response.secretString() == null) {
            throw new ConfigurationException("secret " + arn + " has no SecretString (binary secrets are not supported)");
        }
        return response.secretString();
    }

    /** A value computed once, on first use. */
    private static final class Lazy<T> {
        private final Supplier<T> supplier;
        private volatile T value;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = supplier.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
