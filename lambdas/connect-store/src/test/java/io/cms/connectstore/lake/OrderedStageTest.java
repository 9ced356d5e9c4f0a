package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OrderedStageTest {

    @Test
    void runsWorkInSubmissionOrder() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (OrderedStage stage = new OrderedStage("test", 4)) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                stage.submit(() -> seen.add(n));
            }
            stage.drain();
        }
        assertThat(seen).hasSize(100).isSorted();
    }

    @Test
    void reportsAWorkerFailureAtDrain() throws Exception {
        try (OrderedStage stage = new OrderedStage("test", 4)) {
            stage.submit(() -> {
                throw new IOException("disk full");
            });
            assertThatThrownBy(stage::drain).isInstanceOf(IOException.class).hasMessage("disk full");
            // Reported once: the stage is usable for the next batch.
            stage.submit(() -> { });
            stage.drain();
        }
    }

    @Test
    void producerWaitsWhileTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger submitted = new AtomicInteger();
        try (OrderedStage stage = new OrderedStage("test", 2)) {
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < 5; i++) {
                        stage.submit(() -> {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        submitted.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            producer.start();
            producer.join(300);
            assertThat(submitted.get()).isEqualTo(2);
            release.countDown();
            producer.join(TimeUnit.SECONDS.toMillis(5));
            assertThat(submitted.get()).isEqualTo(5);
        }
    }
}
