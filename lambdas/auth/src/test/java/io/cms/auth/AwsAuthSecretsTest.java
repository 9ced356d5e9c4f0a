package io.cms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.auth.testutils.FakeAwsJsonEndpoint;
import io.cms.lambda.common.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The SDK adapter against a loopback AWS JSON 1.1 endpoint: real clients, real wire protocol. */
class AwsAuthSecretsTest {

    private static final String ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf";

    private FakeAwsJsonEndpoint aws;
    private AwsAuthSecrets secrets;

    @BeforeEach
    void start() throws Exception {
        aws = new FakeAwsJsonEndpoint().parameter("/solution/auth/cms/idp-config/secret/arn", ARN).secret(ARN, "{\"a\":1}");
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        secrets = new AwsAuthSecrets(
                SsmClient.builder().endpointOverride(URI.create(aws.url())).region(Region.US_EAST_1)
                        .credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build(),
                SecretsManagerClient.builder().endpointOverride(URI.create(aws.url())).region(Region.US_EAST_1)
                        .credentialsProvider(creds).httpClient(UrlConnectionHttpClient.create()).build());
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void readsParameterAndSecret() {
        String arn = secrets.parameter("/solution/auth/cms/idp-config/secret/arn");
        assertThat(arn).isEqualTo(ARN);
        assertThat(secrets.secret(arn)).isEqualTo("{\"a\":1}");
    }

    @Test
    void missingParameterIsAConfigurationErrorNamingIt() {
        assertThatThrownBy(() -> secrets.parameter("/solution/auth/other/idp-config/secret/arn"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/solution/auth/other/idp-config/secret/arn");
    }

    @Test
    void missingSecretIsAConfigurationErrorNamingIt() {
        assertThatThrownBy(() -> secrets.secret(ARN + "-gone"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(ARN + "-gone");
    }
}
