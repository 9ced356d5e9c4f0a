package io.cms.provisioning.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.provisioning.claim.ClaimCertificateRotation;
import io.cms.provisioning.claim.ClaimCertificates;
import io.cms.provisioning.claim.ClaimCredentials;
import io.cms.provisioning.claim.SecretStore;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.testutils.InMemorySecretStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code Custom::ClaimCertificate} and the rotation function through their Lambda entry points. */
class ClaimCertificateHandlerTest {

    private static final String SECRET = "cms/provisioning/provisioning-credentials";
    private static final String POLICY = "cms-provisioning-claim-cert-provisioning-policy";

    private final InMemoryIotRegistry iot = new InMemoryIotRegistry();
    private final InMemorySecretStore secrets = new InMemorySecretStore();
    private final List<JsonNode> answers = new ArrayList<>();
    private final ClaimCertificateHandler handler = new ClaimCertificateHandler(
            (url, body) -> answers.add(Json.parse(body)), new ClaimCertificates(iot, secrets));

    @BeforeEach
    void policy() {
        iot.createPolicy(POLICY);
    }

    private ObjectNode event(String type) {
        ObjectNode e = Json.object();
        e.put("RequestType", type);
        e.put("ResponseURL", "https://cloudformation-custom-resource-response.example/x");
        e.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/cms-app--provisioning/1");
        e.put("RequestId", "r-" + type);
        e.put("ResourceType", "Custom::ClaimCertificate");
        e.put("LogicalResourceId", "ClaimCertificate");
        if (!type.equals("Create")) {
            e.put("PhysicalResourceId", SECRET);
        }
        e.putObject("ResourceProperties")
                .put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:x")
                .put("SecretName", SECRET)
                .put("KmsKeyId", "arn:aws:kms:us-east-1:123456789012:key/k")
                .put("PolicyName", POLICY);
        return e;
    }

    @Test
    void createAnswersWithTheCertificateAndTheSecretNameAsPhysicalId() {
        handler.handle(event("Create"), null);

        JsonNode answer = answers.get(0);
        assertThat(answer.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(answer.get("PhysicalResourceId").asText()).isEqualTo(SECRET);
        String id = answer.at("/Data/CertificateId").asText();
        assertThat(iot.describeCertificate(id)).map(IotCertificate::status).contains(IotCertificateStatus.ACTIVE);
        assertThat(answer.at("/Data/SecretArn").asText()).contains(SECRET);
    }

    @Test
    void updateKeepsTheSameCertificate() {
        handler.handle(event("Create"), null);

        handler.handle(event("Update"), null);

        assertThat(answers.get(1).get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(answers.get(1).at("/Data/CertificateId").asText()).isEqualTo(answers.get(0).at("/Data/CertificateId").asText());
        assertThat(iot.certificates()).hasSize(1);
    }

    @Test
    void deleteRemovesTheCertificate() {
        handler.handle(event("Create"), null);

        handler.handle(event("Delete"), null);

        assertThat(answers.get(1).get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(iot.certificates()).isEmpty();
    }

    @Test
    void deleteSucceedsWhenTheCertificateIsAlreadyGone() {
        handler.handle(event("Create"), null);
        String id = answers.get(0).at("/Data/CertificateId").asText();
        iot.updateCertificateStatus(id, IotCertificateStatus.INACTIVE);
        iot.deleteCertificate(id);

        handler.handle(event("Delete"), null);

        assertThat(answers.get(1).get("Status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void aMissingPropertyFailsTheCreateNamingIt() {
        ObjectNode e = event("Create");
        ((ObjectNode) e.get("ResourceProperties")).remove("PolicyName");

        handler.handle(e, null);

        assertThat(answers.get(0).get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).get("Reason").asText()).contains("PolicyName");
        assertThat(secrets.describe(SECRET)).isEmpty();
    }

    @Test
    void theAnswerNeverCarriesThePrivateKey() {
        handler.handle(event("Create"), null);

        String privateKey = ClaimCredentials.fromSecretString(secrets.valueAt(SECRET, SecretStore.CURRENT).orElseThrow()
                .value()).privateKey();
        assertThat(Json.write(answers.get(0))).doesNotContain("PRIVATE KEY").doesNotContain(privateKey.substring(40, 80));
    }

    @Test
    void rotationFunctionRunsTheStepSecretsManagerNames() throws Exception {
        handler.handle(event("Create"), null);
        secrets.enableRotation(SECRET);
        String token = secrets.startRotation(SECRET);
        ClaimCertificateRotationHandler rotation = new ClaimCertificateRotationHandler(
                new ClaimCertificateRotation(iot, secrets, POLICY));

        rotation.handleRequest(input("{\"SecretId\":\"" + SECRET + "\",\"ClientRequestToken\":\"" + token
                + "\",\"Step\":\"createSecret\"}"), new ByteArrayOutputStream(), null);

        assertThat(secrets.value(SECRET, token, SecretStore.PENDING)).isPresent();
        assertThat(iot.certificates()).hasSize(2);
    }

    @Test
    void rotationFunctionRefusesAnEventWithoutAStep() {
        ClaimCertificateRotationHandler rotation = new ClaimCertificateRotationHandler(
                new ClaimCertificateRotation(iot, secrets, POLICY));

        assertThatThrownBy(() -> rotation.handleRequest(input("{\"SecretId\":\"" + SECRET
                + "\",\"ClientRequestToken\":\"t\"}"), new ByteArrayOutputStream(), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("Step");
    }

    private static ByteArrayInputStream input(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
