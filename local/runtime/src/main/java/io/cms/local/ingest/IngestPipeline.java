package io.cms.local.ingest;

import io.cms.connectstore.lake.CommittedBatch;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CMS Local's {@code cms/data/#} rule: the broker acknowledges a telemetry message once it is in
 * the {@link IngestJournal}; one consumer thread feeds the journal to the Connect &amp; Store lake
 * writer, hands the messages it accepted (validated once, there) to the latest-state projection and
 * commits the lake every {@code flushEvery}. The
 * journal checkpoint advances to the smaller of what the lake has committed and what the
 * projection has stored ({@link LatestState#storedThrough()}), at lake commits and while idle, at
 * most every {@link #CHECKPOINT_INTERVAL_MS}. A crash replays whatever either had not made durable
 * (at-least-once into the lake; the latest-state ordering guard makes replays harmless).
 *
 * <p>A failure of the consumer (the disk full at a lake commit or a checkpoint, a damaged journal
 * record) never ends it: it discards the open lake batch, logs an ERROR (again at most every
 * {@link #FAILURE_LOG_INTERVAL_MS} while the failure lasts; for a damaged journal record with a pointer
 * to the recovery), pauses ({@link #FIRST_BACKOFF}, doubling up to {@link #MAX_BACKOFF}) and reads
 * the journal again from what the lake has committed. Nothing acknowledged is ever skipped; messages
 * read again after a failure are not given to the projection twice.
 */
public final class IngestPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
    private static final int READ_BATCH = 2_000;
    /** Shortest time between two checkpoint writes (each one syncs a file) while messages flow. */
    static final long CHECKPOINT_INTERVAL_MS = 200;
    /** The consumer's first pause after a failure; it doubles with every failure in a row, up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Shortest time between two ERROR logs of a failure that lasts. */
    static final long FAILURE_LOG_INTERVAL_MS = 30_000;
    /** Appended to the ERROR logs of a failure at a damaged journal record. */
    static final String DAMAGED_RECORD_HINT = "; a damaged journal record is never skipped: the consumer retries at it until "
            + "the journal is recovered (see Durability in the CMS Local guide)";

    /**
     * The latest-state projection; failures are logged, never block the lake. The defaults suit a
     * projection that stores each message before {@link #update} returns.
     */
    @FunctionalInterface
    public interface LatestState {
        /**
         * Takes one message the lake writer accepted, in journal order (refused and unreadable
         * messages are not given).
         *
         * @param offset where the message starts in the journal
         * @param nextOffset where the next message starts
         * @param telemetry the message as the validator accepted it
         */
        void update(long offset, long nextOffset, Telemetry telemetry);

        /**
         * The journal offset before which the effect of every message given to {@link #update} is
         * stored; the checkpoint never passes it. {@link Long#MAX_VALUE} once everything given is
         * stored.
         */
        default long storedThrough() {
            return Long.MAX_VALUE;
        }

        /** Stores everything given so far (called when the pipeline stops, before its last checkpoint). */
        default void flush() {
        }
    }

    /** Counters since start. */
    public record Stats(long journaled, long consumed, long lakeRows, long quarantined) {
    }

    private final IngestJournal journal;
    private final LakeWriter lake;
    private final LatestState latest;
    private final long flushEveryMs;
    private final Thread consumer;
    private final AtomicLong journaled = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong lakeRows = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final long firstBackoffMs;
    private final long maxBackoffMs;
    /** The time of the failure logs (how long a failure lasts, when the next ERROR is due). */
    private final Clock clock;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** The journal offset after the last message given to the projection (consumer thread only). */
    private long givenThrough;
    /** The message the lake writer accepted last (consumer thread only). */
    private Telemetry accepted;
    private final Consumer<Telemetry> keepAccepted = t -> accepted = t;

    public IngestPipeline(IngestJournal journal, LakeWriter lake, LatestState latest, Duration flushEvery) {
        this(journal, lake, latest, flushEvery, FIRST_BACKOFF, MAX_BACKOFF, Clock.systemUTC());
    }

    /**
     * A pipeline whose consumer pauses from {@code firstBackoff} up to {@code maxBackoff} between
     * retries after a failure, and times its failure logs with {@code clock}.
     */
    IngestPipeline(IngestJournal journal, LakeWriter lake, LatestState latest, Duration flushEvery, Duration firstBackoff,
            Duration maxBackoff, Clock clock) {
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("the consumer's backoff must be positive and at most " + maxBackoff + ", got "
                    + firstBackoff);
        }
        this.firstBackoffMs = firstBackoff.toMillis();
        this.maxBackoffMs = maxBackoff.toMillis();
        this.clock = clock;
        this.journal = journal;
        this.lake = lake;
        this.latest = latest;
        this.flushEveryMs = flushEvery.toMillis();
        this.consumer = new Thread(this::consume, "ingest-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** The broker rule for telemetry. */
    public TopicRule rule() {
        return new TopicRule("ingest", "cms/data/#", this::handle, true);
    }

    private CompletionStage<Void> handle(InboundMessage m) {
        byte[] frame = new IngestRecord(m.receivedAt().toEpochMilli(), m.topic(), m.payload()).encode();
        return journal.append(frame).thenAccept(offset -> journaled.incrementAndGet());
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(journaled.get(), consumed.get(), lakeRows.get(), quarantined.get());
    }

    /** Whether everything journaled so far is committed to the lake and stored by the latest-state projection. */
    public boolean drained() {
        return journal.checkpoint() == journal.durableEnd();
    }

    /** The consumer thread's positions in the journal. */
    private final class Cursor {
        /** Where the next read starts. */
        long position = journal.checkpoint();
        /** Everything before it is committed to the lake. */
        long lakeThrough = position;
        /** The last checkpoint written. */
        long checkpointed = position;
        long lastCheckpointAt;
        /** When the lake last committed (or had nothing to commit). */
        long lastFlush = System.currentTimeMillis();

        /**
         * Advances the checkpoint to what both the lake and the projection have made durable, if
         * that is further than the last one and (unless {@code now}) the last write is long enough ago.
         */
        void checkpoint(boolean now) {
            long target = Math.min(lakeThrough, latest.storedThrough());
            long at = System.currentTimeMillis();
            if (target > checkpointed && (now || at - lastCheckpointAt >= CHECKPOINT_INTERVAL_MS)) {
                journal.checkpoint(target);
                checkpointed = target;
                lastCheckpointAt = at;
            }
        }
    }

    private void consume() {
        Cursor cursor = new Cursor();
        Retry retry = new Retry();
        try {
            while (running) {
                try {
                    round(cursor);
                    retry.succeeded(cursor);
                } catch (RuntimeException e) {
                    // Disk full, an unwritable lake or checkpoint, a damaged journal record: what the
                    // lake has not committed is read again from the journal after a pause.
                    abortQuietly();
                    cursor.position = cursor.lakeThrough;
                    retry.failed(e, cursor);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(cursor);
    }

    /** Reads one batch from the journal into the lake and the projection; commits and checkpoints when due. */
    private void round(Cursor cursor) throws InterruptedException {
        List<IngestJournal.Entry> entries = journal.readFrom(cursor.position, READ_BATCH);
        for (IngestJournal.Entry entry : entries) {
            IngestRecord record;
            try {
                record = IngestRecord.decode(entry.data());
            } catch (IllegalArgumentException e) {
                LOG.error("journal record at {} is unreadable ({}); skipped", entry.offset(), e.getMessage());
                cursor.position = entry.nextOffset();
                if (lake.pending() == 0) {
                    cursor.lakeThrough = cursor.position;
                }
                continue;
            }
            accepted = null;
            CommittedBatch committed = lake.accept(record.topic(), record.payload(), record.receivedAt(), keepAccepted);
            if (committed != null) {
                count(committed);
                // The writer committed what came before this record, and this record too
                // when nothing is left pending (a batch full with it).
                cursor.lakeThrough = lake.pending() == 0 ? entry.nextOffset() : entry.offset();
            }
            // A message replayed after a failure was given already: the projection refuses it again.
            if (accepted != null && entry.offset() >= givenThrough) {
                givenThrough = entry.nextOffset();
                try {
                    latest.update(entry.offset(), entry.nextOffset(), accepted);
                } catch (RuntimeException e) {
                    LOG.warn("latest-state update failed for {}: {}", record.topic(), e.getMessage());
                }
            }
            consumed.incrementAndGet();
            cursor.position = entry.nextOffset();
        }
        long now = System.currentTimeMillis();
        if (lake.pending() > 0 && now - cursor.lastFlush >= flushEveryMs) {
            count(lake.flush());
            cursor.lakeThrough = cursor.position;
            cursor.lastFlush = now;
        } else if (lake.pending() == 0) {
            cursor.lakeThrough = cursor.position;
            cursor.lastFlush = now;
        }
        // At lake commits and while idle: the projection's rounds end between commits.
        cursor.checkpoint(false);
        if (entries.isEmpty()) {
            Thread.sleep(10);
        }
    }

    /** Stopping: the lake commits, the projection stores what is pending, then the last checkpoint. */
    private void stop(Cursor cursor) {
        try {
            count(lake.flush());
            cursor.lakeThrough = cursor.position;
        } catch (RuntimeException e) {
            LOG.error("the last lake commit failed: {}; the messages from journal offset {} on are replayed on restart",
                    e.getMessage(), cursor.lakeThrough);
        }
        try {
            latest.flush();
        } catch (RuntimeException e) {
            LOG.warn("the latest-state projection could not store what was pending: {}; it is replayed on restart",
                    e.getMessage());
        }
        try {
            cursor.checkpoint(true);
        } catch (RuntimeException e) {
            LOG.error("the last journal checkpoint was not written: {}; the messages from journal offset {} on are replayed on restart",
                    e.getMessage(), cursor.checkpointed);
        }
    }

    private void abortQuietly() {
        try {
            lake.abort();
        } catch (RuntimeException e) {
            LOG.warn("discarding the open lake batch failed: {}", e.toString());
        }
    }

    /**
     * The consumer's retries after a failure: pauses from the first backoff, doubling up to the
     * longest; an ERROR when a failure starts and then at most every {@link #FAILURE_LOG_INTERVAL_MS}
     * while it lasts (the retries in between log at DEBUG). It counts as over (logged, and the pauses
     * start again from the first backoff) only once a round gets further than the failed one: the
     * lake commits past the offset it failed at, or a checkpoint past the last one is written. Rounds
     * that merely read again what the lake has not committed do not end it, so a lasting failure
     * backs off.
     */
    private final class Retry {
        private long backoffMs = firstBackoffMs;
        /** Failures in a row, since {@link #failingSince}. */
        private int failures;
        private long failingSince;
        private long loggedAt = Long.MIN_VALUE / 2;
        /** Where the lake and the checkpoint were at the last failure. */
        private long offset;
        private long checkpointedAt;

        void succeeded(Cursor cursor) {
            if (failures > 0 && (cursor.lakeThrough > offset || cursor.checkpointed > checkpointedAt)) {
                LOG.info("the ingest consumer recovered after {} failed attempts in {} s; it continued from journal offset {}",
                        failures, (clock.millis() - failingSince) / 1000, offset);
                failures = 0;
                backoffMs = firstBackoffMs;
                failure = null;
            }
        }

        void failed(RuntimeException e, Cursor cursor) throws InterruptedException {
            failure = e;
            long now = clock.millis();
            offset = cursor.lakeThrough;
            checkpointedAt = cursor.checkpointed;
            String why = e.toString();
            String hint = e instanceof IngestJournal.DamagedRecordException ? DAMAGED_RECORD_HINT : "";
            boolean due = now - loggedAt >= FAILURE_LOG_INTERVAL_MS;
            if (due) {
                loggedAt = now;
            }
            if (failures++ == 0) {
                failingSince = now;
                String message = "the ingest consumer failed at journal offset {}: {}; the open lake batch was discarded and it "
                        + "retries from there (the broker keeps journaling, the lake and the latest state wait){}";
                if (due) {
                    LOG.error(message, offset, why, hint, e);
                } else {
                    // A failure again soon after the last one recovered: the ERROR comes with the next interval.
                    LOG.warn(message, offset, why, hint);
                }
            } else if (due) {
                LOG.error("the ingest consumer has been failing for {} s ({} attempts), now at journal offset {}: {}{}",
                        (now - failingSince) / 1000, failures, offset, why, hint);
            } else {
                LOG.debug("the ingest consumer failed again at journal offset {}: {}", offset, why);
            }
            pause(backoffMs);
            backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        }

        /** Sleeps {@code ms}, or until {@link #close()} stops the consumer. */
        private void pause(long ms) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    private void count(CommittedBatch batch) {
        if (batch != null) {
            lakeRows.addAndGet(batch.rows());
            quarantined.addAndGet(batch.quarantined());
        }
    }

    /**
     * Why the consumer is failing (it retries until the failure is gone, see {@link #consume}), or
     * null while it runs.
     */
    public Throwable failure() {
        return failure;
    }

    /** Stops the consumer after committing everything it has read; the journal is closed by its owner. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(consumer);
        try {
            consumer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lake.close();
    }
}
