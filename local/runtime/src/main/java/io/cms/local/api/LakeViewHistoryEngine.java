package io.cms.local.api;

import io.cms.api.history.EngineResult;
import io.cms.api.history.HistoryEngine;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.api.history.HistoryQueryFailedException;
import io.cms.api.history.SqlQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * A history engine whose queries hold the read side of the lake's view lock, so the lake
 * compaction (which swaps an hour's files under the write side) never runs in the middle of one:
 * a query sees either an hour's small files or its merged file, never both or neither. A query
 * that cannot take the lock by its deadline fails as one that ran past it.
 */
final class LakeViewHistoryEngine implements HistoryEngine {

    private final HistoryEngine engine;
    private final Lock readLock;
    private final Clock clock;

    /** @param clock the clock the callers' deadlines are on */
    LakeViewHistoryEngine(HistoryEngine engine, Lock readLock, Clock clock) {
        this.engine = engine;
        this.readLock = readLock;
        this.clock = clock;
    }

    @Override
    public EngineResult run(SqlQuery query, String pendingId, Instant deadline) {
        long waitNanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
        try {
            if (!readLock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
                throw HistoryQueryCancelledException.deadline(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryQueryFailedException("history query interrupted while waiting for the lake compaction", e);
        }
        try {
            return engine.run(query, pendingId, deadline);
        } finally {
            readLock.unlock();
        }
    }
}
