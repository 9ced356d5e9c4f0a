package io.cms.lambda.common;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A small cache whose entries really expire. The original CMS computed its TTL key once at import,
 * so configuration and tokens were cached for the container's whole life; here every entry carries
 * its own expiry and is reloaded after it.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TtlCache<K, V> {

    private record Entry<V>(V value, Instant expiresAt) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;
    private final int maxEntries;

    /** A cache with the given time-to-live, the system clock and at most 1024 entries. */
    public TtlCache(Duration ttl) {
        this(ttl, Clock.systemUTC(), 1024);
    }

    /** A cache with an explicit clock, for tests. */
    public TtlCache(Duration ttl, Clock clock, int maxEntries) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        this.ttl = ttl;
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** The cached value, or the loader's value (cached for the TTL). Loader failures are not cached. */
    public V get(K key, Function<? super K, ? extends V> loader) {
        Instant now = clock.instant();
        Entry<V> entry = entries.get(key);
        if (entry != null && now.isBefore(entry.expiresAt())) {
            return entry.value();
        }
        V value = loader.apply(key);
        put(key, value, ttl);
        return value;
    }

    /** The cached value if present and fresh, otherwise null. */
    public V getIfPresent(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expiresAt())) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    /** Stores a value with its own time-to-live (for example a token's remaining lifetime). */
    public void put(K key, V value, Duration timeToLive) {
        if (entries.size() >= maxEntries) {
            evictExpired();
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, clock.instant().plus(timeToLive)));
    }

    /** Drops one key, for example after the cached value turned out to be wrong. */
    public void invalidate(K key) {
        entries.remove(key);
    }

    /** Drops everything. */
    public void clear() {
        entries.clear();
    }

    private void evictExpired() {
        Instant now = clock.instant();
        entries.entrySet().removeIf(e -> !now.isBefore(e.getValue().expiresAt()));
    }
}
