package io.cms.local.ingest;

import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.connectstore.telemetry.TelemetryValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API module's latest-state projection ({@link LatestStateUpdater}, as the Lambda runs it) fed
 * from the ingest journal. A message the lake writer accepted (it hands over the validated values,
 * so nothing is parsed twice) becomes the vehicle's pending state if it is newer than the one
 * pending; a writer
 * thread stores each vehicle's newest pending state with the store's ordering guard. Writes are
 * coalesced per vehicle: however many messages a vehicle sends while a write round runs, one write
 * carries the newest. Rounds start at most once per round interval (default {@link #DEFAULT_ROUND_INTERVAL}),
 * so a vehicle's row is at most one interval plus one round behind the lake, and ingest never
 * waits for the table. One thread writes, a round's vehicles in the store's batched transactions
 * ({@link io.cms.api.LatestStateStore#updateAll}): a single conditional put into DynamoDB Local
 * costs milliseconds of CPU (SDK, HTTP, DynamoDB Local, SQLite), a put inside a 25-item
 * transaction about a fifth of that, and DynamoDB Local applies writes one at a time anyway, so
 * more writers would mostly take CPU from the broker and the lake.
 *
 * <p>The projection tells the ingest pipeline how far the journal's effect on the table is stored
 * ({@link #storedThrough()}), so the journal checkpoint never passes a message whose state a crash
 * would lose: a round notes how far it was given messages when it starts and, once it ends, has
 * stored everything before that (or superseded it by a newer pending state of the same vehicle),
 * except the states it put back to retry, which hold it at their own offset. A state given up after
 * {@link #MAX_ATTEMPTS} failed writes no longer holds it (that is logged; the lake has the message).
 */
public final class LatestStateProjection implements IngestPipeline.LatestState, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatestStateProjection.class);
    /** Default shortest time between the starts of two write rounds. */
    public static final Duration DEFAULT_ROUND_INTERVAL = Duration.ofSeconds(1);

    /** A vehicle's newest state waiting for a round; {@code offset} is where its message starts in the journal. */
    private record Pending(long offset, Telemetry telemetry, int attempts) {
        Pending retried() {
            return new Pending(offset, telemetry, attempts + 1);
        }

        long timestamp() {
            return telemetry.timestamp();
        }
    }

    /** Vehicles per batched write call; the store splits further into transactions. */
    private static final int ROUND_CHUNK = 500;
    /** Failed writes of one state before it is given up (the lake keeps the message). */
    static final int MAX_ATTEMPTS = 5;

    /** Counters since start. */
    public record Stats(long written, long coalesced, long failures, int pending, long rounds) {
    }

    private final LatestStateUpdater updater;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread roundLoop;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final long roundIntervalMs;
    private volatile boolean running = true;
    /** The journal offset after the last message given to {@link #update}. */
    private volatile long given;
    /** Everything given before this journal offset is stored, superseded, refused or given up. */
    private volatile long storedThrough;
    /** Serializes rounds: the round thread's and those of {@link #flush()} and {@link #close()}. */
    private final Object roundLock = new Object();

    /** A projection with the {@link #DEFAULT_ROUND_INTERVAL}. */
    public LatestStateProjection(TelemetryValidator validator, LatestStateStore store) {
        this(validator, store, DEFAULT_ROUND_INTERVAL);
    }

    /**
     * @param roundInterval shortest time between the starts of two write rounds (positive)
     */
    public LatestStateProjection(TelemetryValidator validator, LatestStateStore store, Duration roundInterval) {
        if (roundInterval.isNegative() || roundInterval.isZero()) {
            throw new IllegalArgumentException("the latest-state round interval must be positive, got " + roundInterval);
        }
        this.roundIntervalMs = roundInterval.toMillis();
        this.updater = new LatestStateUpdater(validator, store);
        this.roundLoop = new Thread(this::loop, "latest-state-writer");
        roundLoop.setDaemon(true);
        roundLoop.start();
    }

    /**
     * Keeps the message if it is the newest pending one of its vehicle (so an invalid message never
     * displaces a valid one: only accepted messages arrive here). Called by one thread (the ingest
     * consumer), in journal order.
     *
     * @param offset where the message starts in the journal
     * @param nextOffset where the next message starts (what {@link #storedThrough()} reaches once
     *     this message's state is stored)
     * @param telemetry the message as the validator accepted it
     */
    @Override
    public void update(long offset, long nextOffset, Telemetry telemetry) {
        if (offset < 0 || nextOffset <= offset || offset < given) {
            throw new IllegalArgumentException("journal offsets must increase: got [" + offset + ", " + nextOffset
                    + ") after " + given);
        }
        pending.merge(telemetry.vin(), new Pending(offset, telemetry, 0), (old, now) -> {
            coalesced.incrementAndGet();
            return now.timestamp() > old.timestamp() ? now : old;
        });
        // After the merge: a round that sees this offset also sees the state.
        given = nextOffset;
    }

    /**
     * The journal offset before which every message given to {@link #update} has its effect on the
     * table stored (or is superseded by a stored or pending newer state of its vehicle, or was given
     * up after {@link #MAX_ATTEMPTS}); {@link Long#MAX_VALUE} when everything given so far is
     * stored, so messages never given (refused by the lake, unreadable) hold nothing back.
     */
    @Override
    public long storedThrough() {
        long stored = storedThrough;
        return stored >= given ? Long.MAX_VALUE : stored;
    }

    /** Runs rounds until nothing is pending (a state the table keeps refusing is given up after {@link #MAX_ATTEMPTS}). */
    @Override
    public void flush() {
        while (writeRound()) {
            // until nothing is pending
        }
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(written.get(), coalesced.get(), failures.get(), pending.size(), rounds.get());
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            long pauseMs = writeRound() ? roundIntervalMs - (System.nanoTime() - started) / 1_000_000 : 20;
            if (pauseMs > 0 && running) {
                // Parked, not interrupted, by close(): an interrupt could abort a write in flight.
                LockSupport.parkNanos(pauseMs * 1_000_000);
            }
        }
    }

    /**
     * Writes every pending vehicle once, in the store's batched transactions; false when nothing
     * was pending. When the table cannot be written, the states go back to pending (unless a newer
     * one arrived meanwhile) and are tried again next round, up to {@link #MAX_ATTEMPTS} times.
     */
    private boolean writeRound() {
        synchronized (roundLock) {
            // Noted before the states are taken: every message before it is pending by now (update
            // sets it after the merge), so this round stores it or puts it back for a retry.
            long through = given;
            List<String> vins = new ArrayList<>(pending.keySet());
            if (vins.isEmpty()) {
                storedThrough = through;
                return false;
            }
            writeAll(vins);
            // States put back for a retry hold it at their offset; states given since the round
            // started have offsets at or after "through", so they do not lower it.
            long held = through;
            for (Pending p : pending.values()) {
                held = Math.min(held, p.offset());
            }
            storedThrough = held;
            return true;
        }
    }

    private void writeAll(List<String> vins) {
        rounds.incrementAndGet();
        for (int from = 0; from < vins.size(); from += ROUND_CHUNK) {
            List<Pending> states = new ArrayList<>();
            for (String vin : vins.subList(from, Math.min(vins.size(), from + ROUND_CHUNK))) {
                Pending state = pending.remove(vin);
                if (state != null) {
                    states.add(state);
                }
            }
            write(states);
        }
    }

    private void write(List<Pending> states) {
        if (states.isEmpty()) {
            return;
        }
        try {
            written.addAndGet(updater.storeAll(states.stream().map(Pending::telemetry).toList()).size());
        } catch (RuntimeException e) {
            failures.addAndGet(states.size());
            LOG.warn("latest state of {} vehicles not stored: {}", states.size(), e.getMessage());
            for (Pending state : states) {
                Pending retry = state.retried();
                String vin = state.telemetry().vin();
                if (retry.attempts() < MAX_ATTEMPTS) {
                    pending.merge(vin, retry, (current, again) -> current.timestamp() >= again.timestamp() ? current : again);
                } else {
                    LOG.error("latest state of {} dropped after {} failed writes; the lake has the message", vin, retry.attempts());
                }
            }
        }
    }

    /** Stops the rounds, then writes what is pending. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(roundLoop);
        try {
            roundLoop.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
