package io.cms.api.history;

import java.time.Instant;

/**
 * Runs a built history query on one engine (Athena in AWS, DuckDB in CMS Local). Only
 * {@link HistoryQueryBuilder} output reaches an engine: SQL text with {@code ?} parameters.
 */
public interface HistoryEngine {

    /**
     * Runs {@code query}, or resumes the engine's query {@code pendingId} when not null (the engine
     * checks that {@code pendingId} really is {@code query}).
     *
     * @param deadline when the caller must have an answer (never null); an engine that cannot
     *     finish by then returns {@link EngineResult#pending} instead of rows, or, if it cannot
     *     resume a query later, fails with {@link HistoryQueryCancelledException}
     */
    EngineResult run(SqlQuery query, String pendingId, Instant deadline);
}
