package io.cms.connectstore.lake;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One worker thread that runs work in submission order, with a bounded number of submissions in
 * flight (so a slow disk slows the producer instead of filling the heap). A failed piece of work is
 * reported to the producer at its next {@link #submit} or {@link #drain}.
 *
 * <p>Used by one producer thread at a time (the lake writer's methods are synchronized).
 */
final class OrderedStage implements AutoCloseable {

    /** Work that may fail with an I/O error. */
    @FunctionalInterface
    interface Work {
        void run() throws IOException;
    }

    private final ExecutorService executor;
    private final ArrayDeque<Future<?>> inFlight = new ArrayDeque<>();
    private final int maxInFlight;

    OrderedStage(String threadName, int maxInFlight) {
        this.maxInFlight = maxInFlight;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues {@code work}; waits first while {@code maxInFlight} pieces are queued. */
    void submit(Work work) throws IOException {
        while (inFlight.size() >= maxInFlight) {
            await(inFlight.removeFirst());
        }
        inFlight.addLast(executor.submit(() -> {
            work.run();
            return null;
        }));
    }

    /** Waits until everything submitted has run; throws the first failure. */
    void drain() throws IOException {
        IOException first = null;
        while (!inFlight.isEmpty()) {
            try {
                await(inFlight.removeFirst());
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits until everything submitted has run, ignoring failures (the batch is being discarded). */
    void drainQuietly() {
        try {
            drain();
        } catch (IOException | RuntimeException e) {
            // The caller discards the batch these failures belong to.
        }
    }

    @Override
    public void close() {
        drainQuietly();
        executor.shutdown();
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lake writer's worker");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
