package io.cms.provisioning.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import io.cms.provisioning.PreProvisionDecision;
import io.cms.provisioning.PreProvisionRequest;
import io.cms.provisioning.Provisioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code {app}-provisioning-pre-provisioning}: the fleet-provisioning pre-provisioning hook. Answers
 * {@code {"allowProvisioning": bool, "parameterOverrides": {...}}}; a malformed event is refused,
 * never a crash.
 */
public final class PreProvisioningHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PreProvisioningHandler.class);

    private final Provisioning provisioning;

    public PreProvisioningHandler() {
        this(ProvisioningRuntime.fromEnvironment(EnvConfig.fromSystem()));
    }

    public PreProvisioningHandler(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        PreProvisionDecision decision;
        try {
            decision = provisioning.preProvision(PreProvisionRequest.from(Json.parse(input)));
        } catch (BadInputException e) {
            LOG.warn("pre-provisioning refused a malformed event: {}", e.getMessage());
            decision = PreProvisionDecision.refuse(e.getMessage());
        }
        output.write(Json.write(decision.toResponse()).getBytes(StandardCharsets.UTF_8));
    }
}
