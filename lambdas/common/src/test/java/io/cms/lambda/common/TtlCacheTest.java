package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

    @Test
    void reloadsAfterTheTtlHasPassed() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TtlCache<String, Integer> cache = new TtlCache<>(Duration.ofMinutes(10), clock, 10);
        AtomicInteger loads = new AtomicInteger();

        assertThat(cache.get("k", k -> loads.incrementAndGet())).isEqualTo(1);
        clock.advance(Duration.ofMinutes(9));
        assertThat(cache.get("k", k -> loads.incrementAndGet())).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.get("k", k -> loads.incrementAndGet())).isEqualTo(2);
    }

    @Test
    void doesNotCacheLoaderFailures() {
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofMinutes(1));
        assertThatThrownBy(() -> cache.get("k", k -> {
            throw new IllegalStateException("down");
        })).hasMessage("down");
        assertThat(cache.get("k", k -> "up")).isEqualTo("up");
    }

    @Test
    void honoursAPerEntryTimeToLive() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TtlCache<String, String> cache = new TtlCache<>(Duration.ofHours(1), clock, 10);
        cache.put("token", "abc", Duration.ofSeconds(30));
        assertThat(cache.getIfPresent("token")).isEqualTo("abc");
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.getIfPresent("token")).isNull();
    }

    @Test
    void staysWithinItsSizeBound() {
        TtlCache<Integer, Integer> cache = new TtlCache<>(Duration.ofHours(1), Clock.systemUTC(), 3);
        for (int i = 0; i < 10; i++) {
            cache.put(i, i, Duration.ofHours(1));
        }
        assertThat(cache.getIfPresent(9)).isEqualTo(9);
        int present = 0;
        for (int i = 0; i < 10; i++) {
            present += cache.getIfPresent(i) == null ? 0 : 1;
        }
        assertThat(present).isLessThanOrEqualTo(3);
    }

    @Test
    void rejectsANonPositiveTtl() {
        assertThatThrownBy(() -> new TtlCache<String, String>(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
