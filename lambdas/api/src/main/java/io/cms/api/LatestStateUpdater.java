package io.cms.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.lambda.common.Json;
import io.cms.vss.Signal;
import io.cms.vss.VssCatalog;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the latest-state projection current from the telemetry stream: each message is validated
 * exactly as the lake writer validates it (same {@link TelemetryValidator}, so the projection and
 * the lake agree on what a valid message is), then written through the store's ordering guard.
 */
public final class LatestStateUpdater {

    /** What happened to one message. */
    public enum Outcome {
        /** The message is now the vehicle's latest state. */
        UPDATED,
        /** A newer (or equally new) message is already stored; this one was ignored. */
        OLDER,
        /** The message is invalid and was dropped. */
        REJECTED
    }

    /**
     * The outcome and, for a rejected message, why.
     *
     * @param outcome what happened
     * @param reason the rejection reason, or null
     */
    public record Result(Outcome outcome, String reason) {
    }

    private final TelemetryValidator validator;
    private final LatestStateStore store;

    public LatestStateUpdater(TelemetryValidator validator, LatestStateStore store) {
        this.validator = validator;
        this.store = store;
    }

    /** Validates and applies one message as published on {@code topic}: one conditional put. */
    public Result apply(String topic, byte[] payload, long receivedAt) {
        Verdict verdict = validator.validate(topic, payload, receivedAt);
        if (verdict instanceof Verdict.Rejected rejected) {
            return new Result(Outcome.REJECTED, rejected.reason() + ": " + rejected.detail());
        }
        Telemetry t = ((Verdict.Accepted) verdict).telemetry();
        return stored(store.update(t.vin(), t.timestamp(), signals(validator.catalog(), t)));
    }

    /**
     * Applies messages this module's {@link TelemetryValidator} has already accepted (as the lake
     * writer hands them on), with the store's batched write ({@link LatestStateStore#updateAll}).
     * A caller holding several messages of one vehicle passes only the newest (CMS Local's projection
     * coalesces them per vehicle); the older ones could not change the stored state anyway.
     *
     * @param messages validated messages, at most one per vehicle
     * @return per message, in order, {@link Outcome#UPDATED} or {@link Outcome#OLDER}
     * @throws IllegalArgumentException when a vehicle appears twice, before anything is written
     */
    public List<Result> storeAll(List<Telemetry> messages) {
        List<LatestStateStore.Update> updates = new ArrayList<>(messages.size());
        for (Telemetry t : messages) {
            updates.add(new LatestStateStore.Update(t.vin(), t.timestamp(), signals(validator.catalog(), t)));
        }
        return store.updateAll(updates).stream().map(LatestStateUpdater::stored).toList();
    }

    private static Result stored(boolean updated) {
        return new Result(updated ? Outcome.UPDATED : Outcome.OLDER, null);
    }

    /** The reported signals of {@code t}, nested by VSS path, typed as the catalog says. */
    static ObjectNode signals(VssCatalog catalog, Telemetry t) {
        ObjectNode root = Json.object();
        List<Signal> signals = catalog.signals();
        for (int i = 0; i < signals.size(); i++) {
            Object v = t.value(i);
            if (v == null) {
                continue;
            }
            Json.putPath(root, signals.get(i).segments(), v);
        }
        return root;
    }
}
