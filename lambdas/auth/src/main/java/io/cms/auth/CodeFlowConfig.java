package io.cms.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.SecureEndpoints;
import io.cms.lambda.common.Json;
import java.net.URI;

/**
 * The Auth Setup authorization-code-flow secret ({@code /solution/auth/{idp}/authorization-code-flow/config}).
 * {@code toString} never shows the client secret.
 *
 * @param tokenEndpoint the IdP's OAuth 2.0 token endpoint (https, or http on loopback for CMS Local)
 * @param clientId the users client id
 * @param clientSecret the users client secret
 */
public record CodeFlowConfig(URI tokenEndpoint, String clientId, String clientSecret) {

    /** Parses the secret JSON strictly; an unfilled secret is a configuration error. */
    public static CodeFlowConfig parse(String secretJson, String source) {
        JsonNode node;
        try {
            node = Json.parse(secretJson);
        } catch (BadInputException e) {
            throw new ConfigurationException("authorization-code-flow config " + source + " is not JSON: " + e.getMessage());
        }
        String endpoint = text(node, "token_endpoint", source);
        String clientId = text(node, "client_id", source);
        String secret = text(node, "client_secret", source);
        URI uri = SecureEndpoints.require(endpoint, "authorization-code-flow config " + source + ": token_endpoint");
        return new CodeFlowConfig(uri, clientId, secret);
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode v = node.isObject() ? node.get(field) : null;
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ConfigurationException("authorization-code-flow config " + source + " needs a non-empty string '"
                    + field + "'; fill the secret (see docs/modules/auth-setup.md)");
        }
        return v.asText().trim();
    }

    @Override
    public String toString() {
        return "CodeFlowConfig[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret=***]";
    }
}
