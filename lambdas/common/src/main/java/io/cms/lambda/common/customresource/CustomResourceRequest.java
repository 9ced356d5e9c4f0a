package io.cms.lambda.common.customresource;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * A CloudFormation custom-resource request, parsed and checked.
 *
 * @param requestType Create, Update or Delete
 * @param responseUrl the pre-signed URL the answer must be PUT to
 * @param stackId the stack's ARN
 * @param requestId the request's id, echoed back
 * @param resourceType the custom type, e.g. {@code Custom::DeploymentUuid}
 * @param logicalResourceId the resource's logical id, echoed back
 * @param physicalResourceId the current physical id (null on Create)
 * @param properties the resource properties as strings (ServiceToken removed)
 * @param oldProperties the previous properties on Update (empty otherwise)
 */
public record CustomResourceRequest(
        RequestType requestType,
        String responseUrl,
        String stackId,
        String requestId,
        String resourceType,
        String logicalResourceId,
        String physicalResourceId,
        Map<String, String> properties,
        Map<String, String> oldProperties) {

    /** The three lifecycle events CloudFormation sends. */
    public enum RequestType { Create, Update, Delete }

    /** Parses an event; a missing field is a {@link BadInputException} naming it. */
    public static CustomResourceRequest parse(JsonNode event) {
        String type = Json.requiredText(event, "RequestType");
        RequestType requestType;
        try {
            requestType = RequestType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown RequestType '" + type + "'");
        }
        return new CustomResourceRequest(
                requestType,
                Json.requiredText(event, "ResponseURL"),
                Json.requiredText(event, "StackId"),
                Json.requiredText(event, "RequestId"),
                Json.optionalText(event, "ResourceType"),
                Json.requiredText(event, "LogicalResourceId"),
                Json.optionalText(event, "PhysicalResourceId"),
                strings(event.get("ResourceProperties")),
                strings(event.get("OldResourceProperties")));
    }

    /** A required property, or a {@link BadInputException} naming it. */
    public String property(String name) {
        String value = properties.get(name);
        if (value == null || value.isBlank()) {
            throw new BadInputException("resource property '" + name + "' is required");
        }
        return value;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (!"ServiceToken".equals(e.getKey())) {
                    JsonNode v = e.getValue();
                    out.put(e.getKey(), v.isTextual() ? v.asText() : v.toString());
                }
            });
        }
        return Map.copyOf(out);
    }
}
