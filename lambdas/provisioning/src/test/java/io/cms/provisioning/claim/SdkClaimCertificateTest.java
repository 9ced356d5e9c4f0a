package io.cms.provisioning.claim;

import static io.cms.provisioning.claim.ClaimCertificatesTest.KEY;
import static io.cms.provisioning.claim.ClaimCertificatesTest.POLICY;
import static io.cms.provisioning.claim.ClaimCertificatesTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.JdkSdkHttpClient;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.SdkIotRegistry;
import io.cms.provisioning.testutils.InMemorySecretStore;
import io.cms.provisioning.testutils.IotClaimHttpFake;
import io.cms.provisioning.testutils.SecretsManagerHttpFake;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The claim certificate's lifecycle through the real SDK clients, against loopback IoT and Secrets Manager. */
class SdkClaimCertificateTest {

    private final InMemoryIotRegistry registry = new InMemoryIotRegistry();
    private final InMemorySecretStore store = new InMemorySecretStore();
    private IotClaimHttpFake iotServer;
    private SecretsManagerHttpFake secretsServer;
    private IotClient iotClient;
    private SecretsManagerClient secretsClient;
    private SdkIotRegistry iot;
    private SdkSecretStore secrets;

    @BeforeEach
    void start() throws IOException {
        registry.createPolicy(POLICY);
        iotServer = new IotClaimHttpFake(registry);
        secretsServer = new SecretsManagerHttpFake(store);
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        iotClient = IotClient.builder().httpClient(JdkSdkHttpClient.create()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).endpointOverride(iotServer.endpoint()).build();
        secretsClient = SecretsManagerClient.builder().httpClient(JdkSdkHttpClient.create()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).endpointOverride(secretsServer.endpoint()).build();
        iot = new SdkIotRegistry(iotClient);
        secrets = new SdkSecretStore(secretsClient);
    }

    @AfterEach
    void stop() {
        iotClient.close();
        secretsClient.close();
        iotServer.close();
        secretsServer.close();
    }

    @Test
    void installRotateAndRemoveThroughTheSdk() {
        ClaimCertificates certificates = new ClaimCertificates(iot, secrets);
        ClaimCertificates.Installed installed = certificates.install(SECRET, KEY, POLICY);
        assertThat(registry.describeCertificate(installed.certificateId())).map(IotCertificate::status)
                .contains(IotCertificateStatus.ACTIVE);
        assertThat(iot.attachedPolicies(installed.certificateArn())).containsExactly(POLICY);

        store.enableRotation(SECRET);
        String token = store.startRotation(SECRET);
        ClaimCertificateRotation rotation = new ClaimCertificateRotation(iot, secrets, POLICY);
        for (ClaimCertificateRotation.Step step : ClaimCertificateRotation.Step.values()) {
            rotation.rotate(SECRET, token, step);
        }
        ClaimCredentials current = ClaimCredentials.fromSecretString(
                secrets.valueAt(SECRET, SecretStore.CURRENT).orElseThrow().value());
        assertThat(current.certificateId()).isNotEqualTo(installed.certificateId());
        assertThat(registry.describeCertificate(installed.certificateId())).map(IotCertificate::status)
                .contains(IotCertificateStatus.INACTIVE);

        certificates.remove(SECRET);
        assertThat(registry.certificates()).isEmpty();
        assertThat(secrets.describe(SECRET)).isPresent();
    }

    @Test
    void reinstallRegistersTheKeptCertificateThroughTheSdk() {
        ClaimCertificates certificates = new ClaimCertificates(iot, secrets);
        String first = certificates.install(SECRET, KEY, POLICY).certificateId();
        certificates.remove(SECRET);

        assertThat(certificates.install(SECRET, KEY, POLICY).certificateId()).isEqualTo(first);
    }

    @Test
    void missingSecretsAndCertificatesReadAsAbsent() {
        assertThat(secrets.describe("no/such/secret")).isEmpty();
        assertThat(secrets.valueAt("no/such/secret", SecretStore.CURRENT)).isEmpty();
        assertThat(iot.describeCertificate("0".repeat(64))).isEmpty();
        assertThat(iot.attachedPolicies("arn:aws:iot:us-east-1:123456789012:cert/" + "0".repeat(64))).isEmpty();
    }

    @Test
    void deletingAnActiveCertificateIsAConflict() {
        ClaimCertificates.Installed installed = new ClaimCertificates(iot, secrets).install(SECRET, KEY, POLICY);

        assertThatThrownBy(() -> iot.deleteCertificate(installed.certificateId()))
                .isInstanceOf(IotConflictException.class);
    }
}
