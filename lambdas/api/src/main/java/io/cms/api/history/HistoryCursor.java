package io.cms.api.history;

/**
 * Where a history query continues: at a timestamp after the rows already returned there (keyset
 * paging with a count for rows sharing a millisecond), and/or on an engine query that was still
 * running when the previous call had to answer.
 *
 * @param timestamp epoch ms of the last row returned; null for the first page
 * @param seenAtTimestamp how many rows at {@code timestamp} were already returned (0 without a
 *     timestamp); the next page starts at {@code timestamp} and skips that many rows in the
 *     query's total order
 * @param pendingQueryId the engine's query id to resume; null when there is none
 */
public record HistoryCursor(Long timestamp, int seenAtTimestamp, String pendingQueryId) {

    /** The start of a query. */
    public static final HistoryCursor START = new HistoryCursor(null, 0, null);

    public HistoryCursor {
        if (timestamp == null ? seenAtTimestamp != 0 : seenAtTimestamp < 1) {
            throw new IllegalArgumentException("a cursor at a timestamp has seen at least one row there, and none without one");
        }
    }
}
