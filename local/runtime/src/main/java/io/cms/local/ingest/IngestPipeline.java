package io.cms.local.ingest;

import io.cms.connectstore.lake.CommittedBatch;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.telemetry.Telemetry;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class IngestPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
    private static final int READ_BATCH = 2_000;
    /** Shortest time between two checkpoint writes (each one syncs a file) while messages flow. */
    static final long CHECKPOINT_INTERVAL_MS = 200;

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
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** The message the lake writer accepted last (consumer thread only). */
    private Telemetry accepted;
    private final Consumer<Telemetry> keepAccepted = t -> accepted = t;

    public IngestPipeline(IngestJournal journal, LakeWriter lake, LatestState latest, Duration flushEvery) {
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
        long lastFlush = System.currentTimeMillis();
        try {
            while (running) {
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
                    if (accepted != null) {
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
                if (lake.pending() > 0 && now - lastFlush >= flushEveryMs) {
                    count(lake.flush());
                    cursor.lakeThrough = cursor.position;
                    lastFlush = now;
                } else if (lake.pending() == 0) {
                    cursor.lakeThrough = cursor.position;
                    lastFlush = now;
                }
                // At lake commits and while idle: the projection's rounds end between commits.
                cursor.checkpoint(false);
                if (entries.isEmpty()) {
                    Thread.sleep(10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("the ingest consumer stopped: {}; messages stay in the journal and are replayed on restart",
                    e.getMessage(), e);
            lake.abort();
            return;
        }
        // Stopping: the lake commits, the projection stores what is pending, then the last checkpoint.
        count(lake.flush());
        cursor.lakeThrough = cursor.position;
        try {
            latest.flush();
        } catch (RuntimeException e) {
            LOG.warn("the latest-state projection could not store what was pending: {}; it is replayed on restart",
                    e.getMessage());
        }
        cursor.checkpoint(true);
    }

    private void count(CommittedBatch batch) {
        if (batch != null) {
            lakeRows.addAndGet(batch.rows());
            quarantined.addAndGet(batch.quarantined());
        }
    }

    /** Why the consumer stopped, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /** Stops the consumer after committing everything it has read; the journal is closed by its owner. */
    @Override
    public void close() {
        running = false;
        try {
            consumer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lake.close();
    }
}
