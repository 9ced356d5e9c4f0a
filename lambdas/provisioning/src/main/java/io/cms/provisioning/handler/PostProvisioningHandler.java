package io.cms.provisioning.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ThingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code {app}-provisioning-post-provisioning}, on the rule {@code SELECT * FROM '$aws/events/thing/+/+'}.
 * Thing events of other things are ignored; malformed events are logged and dropped (returning
 * normally, so the rule does not retry them). Store or IoT failures propagate so the event is retried.
 */
public final class PostProvisioningHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PostProvisioningHandler.class);

    private final Provisioning provisioning;

    public PostProvisioningHandler() {
        this(ProvisioningRuntime.fromEnvironment(EnvConfig.fromSystem()));
    }

    public PostProvisioningHandler(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String outcome;
        try {
            outcome = provisioning.postProvision(ThingEvent.from(Json.parse(input))).name();
        } catch (BadInputException e) {
            LOG.warn("dropped a malformed thing event: {}", e.getMessage());
            outcome = "DROPPED";
        }
        output.write(Json.write(Json.object().put("outcome", outcome)).getBytes(StandardCharsets.UTF_8));
    }
}
