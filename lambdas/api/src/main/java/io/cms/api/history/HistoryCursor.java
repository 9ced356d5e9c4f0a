package io.cms.api.history;

/**
 * Where a history query continues: after a timestamp (keyset paging), and/or on an engine query
 * that was still running when the previous call had to answer.
 *
 * @param afterTimestamp epoch ms of the last row returned, exclusive; null for the first page
 * @param pendingQueryId the engine's query id to resume; null when there is none
 */
public record HistoryCursor(Long afterTimestamp, String pendingQueryId) {

    /** The start of a query. */
    public static final HistoryCursor START = new HistoryCursor(null, null);
}
