package io.cms.provisioning.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import io.cms.provisioning.Provisioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code {app}-provisioning-initial-connection}, on the rule
 * {@code SELECT topic(2) AS vin, principal() AS certificate_id FROM 'vehicleactive/+'}: the VIN
 * comes from the topic (which the vehicle policy restricts to its own) and the certificate from
 * the connection, never from what the payload claims. Malformed events are logged and dropped.
 */
public final class InitialConnectionHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InitialConnectionHandler.class);

    private final Provisioning provisioning;

    public InitialConnectionHandler() {
        this(ProvisioningRuntime.fromEnvironment(EnvConfig.fromSystem()));
    }

    public InitialConnectionHandler(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        boolean marked = false;
        try {
            JsonNode event = Json.parse(input);
            if (!event.isObject()) {
                throw new BadInputException("the vehicleactive event must be a JSON object");
            }
            marked = provisioning.vehicleConnected(Json.optionalText(event, "vin"), Json.optionalText(event, "certificate_id"));
        } catch (BadInputException e) {
            LOG.warn("dropped a malformed vehicleactive event: {}", e.getMessage());
        }
        output.write(Json.write(Json.object().put("marked", marked)).getBytes(StandardCharsets.UTF_8));
    }
}
