package io.cms.api.history;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Vin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A validated history request: one vehicle, a time range, the signals wanted, a page size.
 *
 * @param vin the vehicle
 * @param from inclusive start (may be finer than the lake's milliseconds: see {@link #fromMillis})
 * @param to exclusive end (see {@link #toMillis})
 * @param signals VSS paths (validated against the catalog by the query builder)
 * @param limit rows per page
 */
public record HistoryRequest(String vin, Instant from, Instant to, List<String> signals, int limit) {

    /** The longest range one query may cover (bounds the partitions a query touches). */
    public static final Duration MAX_RANGE = Duration.ofDays(31);
    public static final int MAX_LIMIT = 1000;
    public static final int MAX_SIGNALS = 50;

    public HistoryRequest {
        Vin.require(vin);
        if (from == null || to == null || !from.isBefore(to)) {
            throw new BadInputException("from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new BadInputException("the time range may span at most " + MAX_RANGE.toDays() + " days");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadInputException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        signals = signals == null ? List.of() : List.copyOf(signals);
        if (signals.size() > MAX_SIGNALS) {
            throw new BadInputException("at most " + MAX_SIGNALS + " signals per query");
        }
    }

    /** The first epoch millisecond in the range: {@code from} rounded up (a lake timestamp before {@code from} is out). */
    public long fromMillis() {
        return ceilMillis(from);
    }

    /** The first epoch millisecond after the range: {@code to} rounded up (a lake timestamp before {@code to} is in). */
    public long toMillis() {
        return ceilMillis(to);
    }

    private static long ceilMillis(Instant t) {
        long ms = t.toEpochMilli();
        return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
    }
}
