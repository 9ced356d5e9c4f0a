package io.cms.local.ingest;

import io.cms.connectstore.lake.CommittedBatch;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CMS Local's {@code cms/data/#} rule: the broker acknowledges a telemetry message once it is in
 * the {@link IngestJournal}; one consumer thread feeds the journal to the Connect &amp; Store lake
 * writer and to the latest-state projection, commits the lake every {@code flushEvery}, and only
 * then advances the journal checkpoint. A crash replays what the lake had not committed
 * (at-least-once into the lake; the latest-state ordering guard makes replays harmless).
 */
public final class IngestPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
    private static final int READ_BATCH = 2_000;

    /** The latest-state projection; failures are logged, never block the lake. */
    @FunctionalInterface
    public interface LatestState {
        void update(String topic, byte[] payload, long receivedAt);
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

    /** Whether everything journaled so far is committed to the lake. */
    public boolean drained() {
        return journal.checkpoint() == journal.durableEnd();
    }

    private void consume() {
        long position = journal.checkpoint();
        long lastFlush = System.currentTimeMillis();
        try {
            while (running) {
                List<IngestJournal.Entry> entries = journal.readFrom(position, READ_BATCH);
                for (IngestJournal.Entry entry : entries) {
                    IngestRecord record;
                    try {
                        record = IngestRecord.decode(entry.data());
                    } catch (IllegalArgumentException e) {
                        LOG.error("journal record at {} is unreadable ({}); skipped", entry.offset(), e.getMessage());
                        position = entry.nextOffset();
                        continue;
                    }
                    CommittedBatch committed = lake.accept(record.topic(), record.payload(), record.receivedAt());
                    if (committed != null) {
                        count(committed);
                        // The writer committed what came before this record.
                        journal.checkpoint(entry.offset());
                    }
                    try {
                        latest.update(record.topic(), record.payload(), record.receivedAt());
                    } catch (RuntimeException e) {
                        LOG.warn("latest-state update failed for {}: {}", record.topic(), e.getMessage());
                    }
                    consumed.incrementAndGet();
                    position = entry.nextOffset();
                }
                long now = System.currentTimeMillis();
                if (lake.pending() > 0 && now - lastFlush >= flushEveryMs) {
                    commit(position);
                    lastFlush = now;
                    journal.compactIfDrained();
                    // Equal to position, or 0 when the drained journal was just restarted.
                    position = journal.checkpoint();
                } else if (lake.pending() == 0) {
                    lastFlush = now;
                }
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
        commit(position);
    }

    private void commit(long position) {
        count(lake.flush());
        journal.checkpoint(position);
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
