package io.cms.connectstore.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.SecureEndpoints;
import io.cms.lambda.common.Json;
import java.net.URI;

/**
 * The service client of the identity provider, as stored in secret
 * {@code /solution/auth/{idp}/client-config/default}: {@code token_endpoint}, {@code client_id},
 * {@code client_secret}, optional {@code audience}.
 */
public record ClientConfig(URI tokenEndpoint, String clientId, String clientSecret, String audience) {

    /**
     * Reads the secret's JSON.
     *
     * @throws ConfigurationException naming the missing field (never the secret's value)
     */
    public static ClientConfig parse(String secretJson, String secretName) {
        JsonNode node;
        try {
            node = Json.parse(secretJson);
        } catch (RuntimeException e) {
            throw new ConfigurationException("secret " + secretName + " is not JSON");
        }
        String endpoint = required(node, "token_endpoint", secretName);
        // The client secret is posted there: never in clear text off this machine.
        URI uri = SecureEndpoints.require(endpoint, "secret " + secretName + ": token_endpoint");
        String audience = node.path("audience").asText("");
        return new ClientConfig(uri, required(node, "client_id", secretName), required(node, "client_secret", secretName),
                audience.isBlank() ? null : audience);
    }

    private static String required(JsonNode node, String field, String secretName) {
        String v = node.path(field).asText("");
        if (v.isBlank()) {
            throw new ConfigurationException("secret " + secretName + " has no " + field);
        }
        return v;
    }

    @Override
    public String toString() {
        return "ClientConfig[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", audience=" + audience + "]";
    }
}
