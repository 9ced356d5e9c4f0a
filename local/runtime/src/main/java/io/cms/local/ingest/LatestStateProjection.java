package io.cms.local.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateStore;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.lambda.common.Json;

/**
 * The API module's latest-state projection fed from the ingest journal: a message that passes the
 * telemetry rules replaces the vehicle's stored state unless a newer one is there already (the
 * store's ordering guard). Refused messages only go to the lake's quarantine.
 */
public final class LatestStateProjection implements IngestPipeline.LatestState {

    private final TelemetryValidator validator;
    private final LatestStateStore store;

    public LatestStateProjection(TelemetryValidator validator, LatestStateStore store) {
        this.validator = validator;
        this.store = store;
    }

    @Override
    public void update(String topic, byte[] payload, long receivedAt) {
        if (!(validator.validate(topic, payload, receivedAt) instanceof Verdict.Accepted accepted)) {
            return;
        }
        JsonNode message = Json.parse(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        ObjectNode signals = ((ObjectNode) message).deepCopy();
        signals.remove("vin");
        signals.remove("timestamp");
        store.update(accepted.telemetry().vin(), accepted.telemetry().timestamp(), signals);
    }
}
