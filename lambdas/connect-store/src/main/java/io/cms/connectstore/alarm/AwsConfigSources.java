package io.cms.connectstore.alarm;

import io.cms.lambda.common.ConfigurationException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** {@link ConfigSource}s over SSM Parameter Store and Secrets Manager. */
public final class AwsConfigSources {

    private AwsConfigSources() {
    }

    /** SSM parameters (decrypted). */
    public static ConfigSource ssm(SsmClient ssm) {
        return name -> {
            try {
                return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
            } catch (ParameterNotFoundException e) {
                throw new ConfigurationException("SSM parameter " + name + " does not exist (is the Alerts module deployed?)", e);
            }
        };
    }

    /** Secrets Manager secret strings. */
    public static ConfigSource secrets(SecretsManagerClient secrets) {
        return name -> {
            try {
                return secrets.getSecretValue(r -> r.secretId(name)).secretString();
            } catch (ResourceNotFoundException e) {
                throw new ConfigurationException("secret " + name + " does not exist (is Auth Setup deployed?)", e);
            }
        };
    }
}
