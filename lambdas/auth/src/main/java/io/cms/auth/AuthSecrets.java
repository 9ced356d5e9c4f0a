package io.cms.auth;

/**
 * Where the Auth configuration lives: SSM parameters holding secret ARNs, and the secrets.
 * {@link AwsAuthSecrets} is the SDK adapter; tests use an in-memory implementation.
 */
public interface AuthSecrets {

    /**
     * The value of an SSM parameter.
     *
     * @throws io.cms.lambda.common.ConfigurationException when it is missing or unreadable
     */
    String parameter(String name);

    /**
     * The {@code SecretString} of a secret.
     *
     * @throws io.cms.lambda.common.ConfigurationException when it is missing, unreadable or binary
     */
    String secret(String arn);
}
