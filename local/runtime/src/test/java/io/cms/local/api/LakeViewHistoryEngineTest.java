package io.cms.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.api.history.EngineResult;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.api.history.HistoryQueryFailedException;
import io.cms.api.history.SqlQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

class LakeViewHistoryEngineTest {

    @Test
    void aQueryWaitsWhileTheCompactionSwapsFilesAndThenRunsOnTheEngine() throws Exception {
        ReentrantReadWriteLock view = new ReentrantReadWriteLock(true);
        SqlQuery query = new SqlQuery("select 1", List.of(), 1);
        LakeViewHistoryEngine engine = new LakeViewHistoryEngine((q, pending, deadline) -> {
            assertThat(view.getReadHoldCount()).as("the query holds the read lock").isEqualTo(1);
            return EngineResult.pending("q-" + q.sql());
        }, view.readLock(), Clock.systemUTC());

        view.writeLock().lock(); // a swap in progress
        CompletableFuture<EngineResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> engine.run(query, null, Instant.now().plusSeconds(20)));
            Thread.sleep(300);
            assertThat(result).as("the query waits for the swap").isNotDone();
        } finally {
            view.writeLock().unlock();
        }

        assertThat(result.get(10, TimeUnit.SECONDS).pendingId()).isEqualTo("q-select 1");
        assertThat(view.getReadLockCount()).as("released after the query").isZero();
    }

    @Test
    void aQueryThatCannotTakeTheLockByItsDeadlineFailsWithTheDeadlineError() throws Exception {
        ReentrantReadWriteLock view = new ReentrantReadWriteLock(true);
        LakeViewHistoryEngine engine = new LakeViewHistoryEngine((q, pending, deadline) -> {
            throw new AssertionError("the engine is not reached without the lock");
        }, view.readLock(), Clock.systemUTC());

        view.writeLock().lock(); // a swap that outlasts the query's budget
        try {
            CompletableFuture<EngineResult> result = CompletableFuture.supplyAsync(
                    () -> engine.run(new SqlQuery("select 1", List.of(), 1), null, Instant.now().plusMillis(200)));
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(HistoryQueryCancelledException.class)
                    .hasMessage("history query did not finish by its deadline; narrow the time range");
        } finally {
            view.writeLock().unlock();
        }
        assertThat(view.getReadLockCount()).isZero();
    }

    @Test
    void theLockWaitIsMeasuredOnTheDeadlinesClock() throws Exception {
        // The deadline is an hour after the clock's now, which is long past on the system clock.
        Clock clock = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC);
        ReentrantReadWriteLock view = new ReentrantReadWriteLock(true);
        LakeViewHistoryEngine engine = new LakeViewHistoryEngine((q, pending, deadline) -> EngineResult.pending("ran"),
                view.readLock(), clock);

        view.writeLock().lock();
        CompletableFuture<EngineResult> result;
        try {
            result = CompletableFuture.supplyAsync(
                    () -> engine.run(new SqlQuery("select 1", List.of(), 1), null, clock.instant().plusSeconds(3600)));
            while (!view.hasQueuedThreads() && !result.isDone()) {
                Thread.onSpinWait();
            }
        } finally {
            view.writeLock().unlock();
        }

        assertThat(result.get(30, TimeUnit.SECONDS).pendingId()).as("waited for the swap, then ran").isEqualTo("ran");
    }

    @Test
    void aQueryInterruptedWhileWaitingForTheSwapFailsAndKeepsTheInterrupt() throws Exception {
        ReentrantReadWriteLock view = new ReentrantReadWriteLock(true);
        LakeViewHistoryEngine engine = new LakeViewHistoryEngine((q, pending, deadline) -> {
            throw new AssertionError("the engine is not reached without the lock");
        }, view.readLock(), Clock.systemUTC());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                engine.run(new SqlQuery("select 1", List.of(), 1), null, Instant.now().plusSeconds(600));
            } catch (RuntimeException e) {
                failure.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });

        view.writeLock().lock();
        try {
            caller.start();
            while (!view.hasQueuedThread(caller) && caller.isAlive()) {
                Thread.onSpinWait();
            }
            caller.interrupt();
            caller.join(30_000);
        } finally {
            view.writeLock().unlock();
        }

        assertThat(caller.isAlive()).isFalse();
        assertThat(failure.get())
                .isInstanceOf(HistoryQueryFailedException.class)
                .isNotInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query interrupted while waiting for the lake compaction")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(stillInterrupted).as("the interrupt is kept for the caller's thread").isTrue();
        assertThat(view.getReadLockCount()).isZero();
    }
}
