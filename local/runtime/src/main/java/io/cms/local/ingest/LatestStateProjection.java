package io.cms.local.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.connectstore.telemetry.TelemetryValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API module's latest-state projection ({@link LatestStateUpdater}, as the Lambda runs it) fed
 * from the ingest journal. A message that passes the telemetry rules becomes the vehicle's pending state if it is newer than the one pending; writer
 * threads store each vehicle's newest pending state with the store's ordering guard. Writes are
 * coalesced per vehicle: however many messages a vehicle sends while a write round runs, one write
 * carries the newest. The table therefore lags ingest by at most one write round, and ingest never
 * waits for the table (DynamoDB Local takes a few hundred conditional writes per second; the lake
 * takes tens of thousands of messages).
 */
public final class LatestStateProjection implements IngestPipeline.LatestState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatestStateProjection.class);
    private static final int WRITERS = 4;

    private record Pending(long timestamp, String topic, byte[] payload, long receivedAt) {
    }

    /** Counters since start. */
    public record Stats(long written, long coalesced, long failures, int pending) {
    }

    private static final JsonFactory JSON = new JsonFactory();
    private final LatestStateUpdater updater;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ExecutorService writers;
    private final Thread rounds;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;

    public LatestStateProjection(TelemetryValidator validator, LatestStateStore store) {
        this.updater = new LatestStateUpdater(validator, store);
        this.writers = Executors.newFixedThreadPool(WRITERS, r -> {
            Thread t = new Thread(r, "latest-state-writer");
            t.setDaemon(true);
            return t;
        });
        this.rounds = new Thread(this::loop, "latest-state-rounds");
        rounds.setDaemon(true);
        rounds.start();
    }

    /**
     * Keeps the message if it is the newest pending one of its vehicle. Only the VIN (from the
     * topic, which the broker ties to the certificate) and the timestamp are read here, with a
     * streaming scan of the top-level fields; the full validation runs once per written state.
     */
    @Override
    public void update(String topic, byte[] payload, long receivedAt) {
        String[] levels = topic.split("/", 4);
        if (levels.length < 3 || !"cms".equals(levels[0]) || !"data".equals(levels[1])) {
            return;
        }
        long timestamp = timestamp(payload, receivedAt);
        if (timestamp == Long.MIN_VALUE) {
            return;
        }
        Pending next = new Pending(timestamp, topic, payload, receivedAt);
        pending.merge(levels[2], next, (old, now) -> {
            coalesced.incrementAndGet();
            return now.timestamp() > old.timestamp() ? now : old;
        });
    }

    /**
     * The envelope's {@code timestamp} (epoch ms or ISO 8601; the receive time when absent), or
     * {@link Long#MIN_VALUE} when the payload is not a JSON object or the timestamp is unreadable
     * (the lake quarantines such messages).
     */
    static long timestamp(byte[] payload, long receivedAt) {
        try (JsonParser p = JSON.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("timestamp".equals(name)) {
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        return p.getLongValue();
                    }
                    if (value == JsonToken.VALUE_STRING) {
                        return java.time.OffsetDateTime.parse(p.getText()).toInstant().toEpochMilli();
                    }
                    return Long.MIN_VALUE;
                }
                p.skipChildren();
            }
            return receivedAt;
        } catch (java.io.IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(written.get(), coalesced.get(), failures.get(), pending.size());
    }

    private void loop() {
        while (running) {
            try {
                if (!writeRound()) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes every pending vehicle once; false when nothing was pending. */
    private boolean writeRound() throws InterruptedException {
        List<String> vins = new ArrayList<>(pending.keySet());
        if (vins.isEmpty()) {
            return false;
        }
        List<Future<?>> done = new ArrayList<>();
        int slice = (vins.size() + WRITERS - 1) / WRITERS;
        for (int from = 0; from < vins.size(); from += slice) {
            List<String> part = vins.subList(from, Math.min(vins.size(), from + slice));
            done.add(writers.submit(() -> part.forEach(this::write)));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("latest-state write round failed: {}", e.getCause().getMessage());
            }
        }
        return true;
    }

    private void write(String vin) {
        Pending state = pending.remove(vin);
        if (state == null) {
            return;
        }
        try {
            LatestStateUpdater.Result result = updater.apply(state.topic(), state.payload(), state.receivedAt());
            if (result.outcome() == LatestStateUpdater.Outcome.REJECTED) {
                failures.incrementAndGet();
                LOG.warn("latest state of {} not stored: {}", vin, result.reason());
            } else {
                written.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("latest state of {} not stored: {}", vin, e.getMessage());
        }
    }

    /** Writes what is pending, then stops the writers. */
    @Override
    public void close() {
        running = false;
        rounds.interrupt();
        try {
            rounds.join(10_000);
            while (writeRound()) {
                // until nothing is pending
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.shutdown();
        try {
            writers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
