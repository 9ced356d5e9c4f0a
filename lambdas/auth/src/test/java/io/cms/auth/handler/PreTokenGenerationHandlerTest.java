package io.cms.auth.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Cognito pre-token-generation trigger: the verified email goes into the access token, nothing else changes. */
class PreTokenGenerationHandlerTest {

    private static JsonNode invoke(String event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PreTokenGenerationHandler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    /** A version 2 event as Cognito sends it for a hosted-UI sign-in. */
    private static String event(Map<String, Object> userAttributes) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2");
        event.put("triggerSource", "TokenGeneration_HostedAuth");
        event.put("region", "eu-west-1");
        event.put("userPoolId", "eu-west-1_abc");
        event.put("userName", "alice");
        event.put("callerContext", Map.of("awsSdkVersion", "aws-sdk-unknown-unknown", "clientId", "client"));
        event.put("request", Map.of("userAttributes", userAttributes, "groupConfiguration",
                Map.of("groupsToOverride", java.util.List.of()), "scopes", java.util.List.of("openid", "cms/user")));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("claimsAndScopeOverrideDetails", null);
        event.put("response", response);
        return Json.write(event);
    }

    @Test
    void aVerifiedEmailBecomesTheAccessTokensEmailClaim() throws Exception {
        JsonNode answer = invoke(event(Map.of("sub", "s-1", "email", "Alice@Example.com", "email_verified", "true")));

        assertThat(answer.at("/response/claimsAndScopeOverrideDetails/accessTokenGeneration/claimsToAddOrOverride/email").asText())
                .isEqualTo("Alice@Example.com");
        assertThat(answer.at("/response/claimsAndScopeOverrideDetails/idTokenGeneration").isMissingNode()).isTrue();
        assertThat(answer.get("userName").asText()).isEqualTo("alice");
        assertThat(answer.at("/request/scopes").size()).isEqualTo(2);
    }

    @Test
    void anEmailThatIsNotVerifiedIsLeftOut() throws Exception {
        for (Object verified : new Object[] {"false", "TRUE", "", null}) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("email", "mallory@example.com");
            if (verified != null) {
                attributes.put("email_verified", verified);
            }
            JsonNode answer = invoke(event(attributes));

            assertThat(answer.at("/response/claimsAndScopeOverrideDetails").isNull()).as("email_verified=%s", verified).isTrue();
        }
    }

    @Test
    void aUserWithoutAPlausibleEmailGetsNoClaim() throws Exception {
        assertThat(invoke(event(Map.of("sub", "s-2"))).at("/response/claimsAndScopeOverrideDetails").isNull()).isTrue();
        assertThat(invoke(event(Map.of("email", "not an email", "email_verified", "true")))
                .at("/response/claimsAndScopeOverrideDetails").isNull()).isTrue();
        assertThat(invoke(event(Map.of("email", "x".repeat(250) + "@example.com", "email_verified", "true")))
                .at("/response/claimsAndScopeOverrideDetails").isNull()).isTrue();
    }

    @Test
    void anEventThatIsNotAVersion2PreTokenEventFailsClearly() {
        assertThatThrownBy(() -> invoke("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> invoke("{\"version\":\"1\",\"request\":{}}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LambdaVersion V2_0");
        assertThatThrownBy(() -> invoke("{\"version\":\"2\"}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no request object");
    }
}
