package io.cms.provisioning.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import io.cms.provisioning.claim.ClaimCertificateRotation;
import io.cms.provisioning.claim.SdkSecretStore;
import io.cms.provisioning.iot.SdkIotRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code {app}-provisioning-claim-certificate-rotation}: Secrets Manager's rotation function for the
 * claim-credentials secret. Input {@code {SecretId, ClientRequestToken, Step}}; env
 * {@code CLAIM_POLICY_NAME}. A failed step throws, so Secrets Manager retries it and the rotation
 * stays visible as failed.
 */
public final class ClaimCertificateRotationHandler implements RequestStreamHandler {

    static final String CLAIM_POLICY_ENV = "CLAIM_POLICY_NAME";
    private static final Logger LOG = LoggerFactory.getLogger(ClaimCertificateRotationHandler.class);

    private final ClaimCertificateRotation rotation;

    public ClaimCertificateRotationHandler() {
        this(new ClaimCertificateRotation(new SdkIotRegistry(), new SdkSecretStore(),
                EnvConfig.fromSystem().required(CLAIM_POLICY_ENV)));
    }

    public ClaimCertificateRotationHandler(ClaimCertificateRotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.parse(input);
        String secretId = Json.requiredText(event, "SecretId");
        String token = Json.requiredText(event, "ClientRequestToken");
        ClaimCertificateRotation.Step step = ClaimCertificateRotation.Step.parse(Json.requiredText(event, "Step"));
        LOG.info("{} of {} version {}", step, secretId, token);
        rotation.rotate(secretId, token, step);
    }
}
