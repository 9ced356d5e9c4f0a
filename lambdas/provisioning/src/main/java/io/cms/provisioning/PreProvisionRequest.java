package io.cms.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event AWS IoT fleet provisioning sends to a pre-provisioning hook.
 *
 * @param claimCertificateId the claim certificate the device connected with
 * @param certificateId the certificate being provisioned
 * @param templateArn the provisioning template
 * @param clientId the device's MQTT client id
 * @param parameters the template parameters the device sent
 */
public record PreProvisionRequest(String claimCertificateId, String certificateId, String templateArn, String clientId,
                                  Map<String, String> parameters) {

    public PreProvisionRequest {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** Reads the hook event; a missing certificate id or non-object parameters are a {@link BadInputException}. */
    public static PreProvisionRequest from(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new BadInputException("the pre-provisioning event must be a JSON object");
        }
        String certificateId = Json.requiredText(event, "certificateId");
        JsonNode params = event.get("parameters");
        Map<String, String> parameters = new LinkedHashMap<>();
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw new BadInputException("'parameters' must be an object of template parameters");
            }
            params.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new BadInputException("template parameter '" + e.getKey() + "' must be a string");
                }
                parameters.put(e.getKey(), e.getValue().asText());
            });
        }
        return new PreProvisionRequest(Json.optionalText(event, "claimCertificateId"), certificateId,
                Json.optionalText(event, "templateArn"), Json.optionalText(event, "clientId"), parameters);
    }
}
