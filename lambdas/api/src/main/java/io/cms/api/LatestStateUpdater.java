package io.cms.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.lambda.common.Json;
import io.cms.vss.Signal;
import io.cms.vss.VssCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    /** Validates and applies one message as published on {@code topic}. */
    public Result apply(String topic, byte[] payload, long receivedAt) {
        // One message is one conditional put (LatestStateStore.updateAll writes a single update with update()).
        return applyAll(List.of(new Message(topic, payload, receivedAt))).get(0);
    }

    /**
     * One message as received, for {@link #applyAll}.
     *
     * @param topic      the MQTT topic it was published on
     * @param payload    the payload
     * @param receivedAt when the broker received it (epoch ms)
     */
    public record Message(String topic, byte[] payload, long receivedAt) {
    }

    /**
     * Validates and applies many messages, of different vehicles, with the store's batched write
     * ({@link LatestStateStore#updateAll}).
     *
     * @param messages the messages; several of one vehicle are applied one by one after the batch
     * @return per message, in order, what happened
     */
    public List<Result> applyAll(List<Message> messages) {
        List<Result> results = new ArrayList<>(Collections.nCopies(messages.size(), (Result) null));
        List<Integer> validAt = new ArrayList<>();
        List<Telemetry> valid = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            Verdict verdict = validator.validate(m.topic(), m.payload(), m.receivedAt());
            if (verdict instanceof Verdict.Rejected rejected) {
                results.set(i, new Result(Outcome.REJECTED, rejected.reason() + ": " + rejected.detail()));
            } else {
                validAt.add(i);
                valid.add(((Verdict.Accepted) verdict).telemetry());
            }
        }
        List<Result> stored = storeAll(valid);
        for (int k = 0; k < valid.size(); k++) {
            results.set(validAt.get(k), stored.get(k));
        }
        return results;
    }

    /**
     * Applies messages this module's {@link TelemetryValidator} has already accepted (as the lake
     * writer hands them on), of different vehicles, with the store's batched write.
     *
     * @param messages validated messages; several of one vehicle are applied one by one after the batch
     * @return per message, in order, {@link Outcome#UPDATED} or {@link Outcome#OLDER}
     */
    public List<Result> storeAll(List<Telemetry> messages) {
        List<Result> results = new ArrayList<>(Collections.nCopies(messages.size(), (Result) null));
        List<Integer> batchedAt = new ArrayList<>();
        List<LatestStateStore.Update> updates = new ArrayList<>();
        List<Integer> later = new ArrayList<>();
        Set<String> batched = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            Telemetry t = messages.get(i);
            if (!batched.add(t.vin())) {
                later.add(i);
                continue;
            }
            batchedAt.add(i);
            updates.add(new LatestStateStore.Update(t.vin(), t.timestamp(), signals(validator.catalog(), t)));
        }
        List<Boolean> stored = store.updateAll(updates);
        for (int k = 0; k < batchedAt.size(); k++) {
            results.set(batchedAt.get(k), new Result(stored.get(k) ? Outcome.UPDATED : Outcome.OLDER, null));
        }
        for (int i : later) {
            results.set(i, storeAll(List.of(messages.get(i))).get(0));
        }
        return results;
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
