package io.cms.config.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.config.DeploymentUuid;
import io.cms.config.ParameterLookup;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.customresource.CustomResourceResponder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConfigHandlersTest {

    private final List<JsonNode> answers = new ArrayList<>();
    private final CustomResourceResponder recorder = (url, body) -> answers.add(Json.parse(body));

    private static ObjectNode event(String type, String physicalId, Map<String, String> props) {
        ObjectNode e = Json.object();
        e.put("RequestType", type);
        e.put("ResponseURL", "https://cloudformation-response.example/presigned");
        e.put("StackId", "arn:aws:cloudformation:eu-west-1:123456789012:stack/cms-app--config/1");
        e.put("RequestId", UUID.randomUUID().toString());
        e.put("ResourceType", "Custom::Test");
        e.put("LogicalResourceId", "Resource");
        if (physicalId != null) {
            e.put("PhysicalResourceId", physicalId);
        }
        ObjectNode p = e.putObject("ResourceProperties");
        p.put("ServiceToken", "arn:aws:lambda:eu-west-1:123456789012:function:x");
        props.forEach(p::put);
        return e;
    }

    @Test
    void deploymentUuidIsCreatedOnceAndKeptAcrossUpdates() {
        UUID fixed = UUID.fromString("6f1c2b7e-0a4e-4b55-9d0c-3f1f4f3f1a11");
        DeploymentUuidHandler handler = new DeploymentUuidHandler(recorder, new DeploymentUuid(() -> fixed));

        handler.handle(event("Create", null, Map.of()), null);
        String created = answers.get(0).at("/Data/SolutionUUID").asText();
        assertThat(created).isEqualTo(fixed.toString());
        assertThat(answers.get(0).get("PhysicalResourceId").asText()).isEqualTo(created);

        handler.handle(event("Update", created, Map.of("Changed", "yes")), null);
        assertThat(answers.get(1).get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(answers.get(1).at("/Data/SolutionUUID").asText()).isEqualTo(created);
        assertThat(answers.get(1).get("PhysicalResourceId").asText()).isEqualTo(created);

        handler.handle(event("Delete", created, Map.of()), null);
        assertThat(answers.get(2).get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(answers.get(2).get("PhysicalResourceId").asText()).isEqualTo(created);
    }

    @Test
    void deploymentUuidReportsFailedWhenGenerationFails() {
        DeploymentUuidHandler handler = new DeploymentUuidHandler(recorder, new DeploymentUuid(() -> {
            throw new IllegalStateException("entropy source unavailable");
        }));
        handler.handle(event("Create", null, Map.of()), null);
        assertThat(answers.get(0).get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).get("Reason").asText()).contains("entropy source unavailable");
    }

    private ParameterLookupHandler lookupHandler(Map<String, String> parameters) {
        return new ParameterLookupHandler(recorder,
                new ParameterLookup(name -> Optional.ofNullable(parameters.get(name)), "/solution/cms/config/"));
    }

    @Test
    void lookupReturnsTheParameterValueOnCreateAndUpdate() {
        ParameterLookupHandler handler = lookupHandler(Map.of("/solution/cms/config/vpc/name", "cms-vpc"));
        handler.handle(event("Create", null, Map.of("Resource", "SsmParameters", "ParameterName", "/solution/cms/config/vpc/name")), null);
        handler.handle(event("Update", "/solution/cms/config/vpc/name", Map.of("ParameterName", "/solution/cms/config/vpc/name")), null);
        for (JsonNode answer : answers) {
            assertThat(answer.get("Status").asText()).isEqualTo("SUCCESS");
            assertThat(answer.at("/Data/parameter_value").asText()).isEqualTo("cms-vpc");
        }
    }

    @Test
    void lookupFailsTheStackWhenTheParameterIsMissing() {
        lookupHandler(Map.of()).handle(event("Create", null, Map.of("ParameterName", "/solution/cms/config/vpc/name")), null);
        assertThat(answers.get(0).get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).get("Reason").asText()).contains("/solution/cms/config/vpc/name").contains("does not exist");
    }

    @Test
    void lookupRefusesParametersOutsideTheAllowedPrefix() {
        lookupHandler(Map.of("/solution/other/secret", "x"))
                .handle(event("Create", null, Map.of("ParameterName", "/solution/other/secret")), null);
        assertThat(answers.get(0).get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).get("Reason").asText()).contains("outside /solution/cms/config/");
    }

    @Test
    void lookupFailsWhenParameterNameIsMissing() {
        lookupHandler(Map.of()).handle(event("Create", null, Map.of()), null);
        assertThat(answers.get(0).get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).get("Reason").asText()).contains("ParameterName");
    }

    @Test
    void lookupDeleteSucceedsEvenWhenTheParameterIsGone() {
        lookupHandler(Map.of()).handle(event("Delete", "/solution/cms/config/vpc/name", Map.of("ParameterName", "/solution/cms/config/vpc/name")), null);
        assertThat(answers.get(0).get("Status").asText()).isEqualTo("SUCCESS");
    }
}
