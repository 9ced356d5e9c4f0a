package io.cms.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.util.Map;

/**
 * The answer of the pre-provisioning hook.
 *
 * @param allow whether IoT may go on with RegisterThing
 * @param parameterOverrides template parameters to override (the validated VIN)
 * @param reason why it was refused (for logs and CMS Local's rejected reply), null when allowed
 */
public record PreProvisionDecision(boolean allow, Map<String, String> parameterOverrides, String reason) {

    public PreProvisionDecision {
        parameterOverrides = parameterOverrides == null ? Map.of() : Map.copyOf(parameterOverrides);
    }

    public static PreProvisionDecision allow(Map<String, String> overrides) {
        return new PreProvisionDecision(true, overrides, null);
    }

    public static PreProvisionDecision refuse(String reason) {
        return new PreProvisionDecision(false, Map.of(), reason);
    }

    /** The response shape IoT expects: {@code {"allowProvisioning": ..., "parameterOverrides": {...}}}. */
    public ObjectNode toResponse() {
        ObjectNode out = Json.object();
        out.put("allowProvisioning", allow);
        out.set("parameterOverrides", Json.object(parameterOverrides));
        return out;
    }
}
