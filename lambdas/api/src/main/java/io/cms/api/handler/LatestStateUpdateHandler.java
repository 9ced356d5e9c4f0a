package io.cms.api.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.LatestStateUpdater;
import io.cms.lambda.common.Json;
import io.cms.vss.IotRuleSql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoked by the IoT rule {@link IotRuleSql#raw()} on {@code cms/data/#}: the message as the
 * vehicle sent it plus {@code _topic}, {@code _received_at} and {@code _ts}. Valid messages update
 * the latest state through its ordering guard; invalid ones are logged with the reason and dropped
 * (returning normally, so they are not retried). Only a store failure throws, so the Lambda's
 * retries and dead-letter queue cover outages.
 */
public final class LatestStateUpdateHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LatestStateUpdateHandler.class);
    /** Larger events are dropped unread (the validator's limit plus the envelope). */
    static final int MAX_EVENT_BYTES = 256 * 1024;

    private final LatestStateUpdater updater;
    private final Clock clock;

    public LatestStateUpdateHandler() {
        this(ApiWiring.fromSystem().updater(), Clock.systemUTC());
    }

    public LatestStateUpdateHandler(LatestStateUpdater updater, Clock clock) {
        this.updater = updater;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LatestStateUpdater.Result result = handle(readBounded(input));
        ObjectNode out = Json.object().put("outcome", result.outcome().name());
        if (result.reason() != null) {
            out.put("reason", result.reason());
        }
        output.write(Json.write(out).getBytes(StandardCharsets.UTF_8));
    }

    /** Handles one rule event (null bytes = too large). */
    public LatestStateUpdater.Result handle(byte[] event) {
        LatestStateUpdater.Result result = apply(event);
        if (result.outcome() == LatestStateUpdater.Outcome.REJECTED) {
            LOG.warn("telemetry message dropped: {}", result.reason());
        }
        return result;
    }

    private LatestStateUpdater.Result apply(byte[] event) {
        if (event == null) {
            return rejected("event larger than " + MAX_EVENT_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(event);
        } catch (IOException e) {
            return rejected("event is not JSON");
        }
        if (node == null || !node.isObject()) {
            return rejected("event is not a JSON object");
        }
        ObjectNode message = (ObjectNode) node;
        JsonNode topic = message.remove(IotRuleSql.RAW_TOPIC);
        JsonNode receivedAt = message.remove(IotRuleSql.RAW_RECEIVED_AT);
        message.remove(IotRuleSql.RAW_TS);
        if (topic == null || !topic.isTextual()) {
            return rejected("event has no " + IotRuleSql.RAW_TOPIC + " (the rule must add topic() AS " + IotRuleSql.RAW_TOPIC + ")");
        }
        long received = receivedAt != null && receivedAt.canConvertToLong() ? receivedAt.asLong() : clock.millis();
        return updater.apply(topic.asText(), Json.write(message).getBytes(StandardCharsets.UTF_8), received);
    }

    private static LatestStateUpdater.Result rejected(String reason) {
        return new LatestStateUpdater.Result(LatestStateUpdater.Outcome.REJECTED, reason);
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_EVENT_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }
}
