package io.cms.api.testing;

import io.cms.api.history.EngineResult;
import io.cms.api.history.HistoryEngine;
import io.cms.api.history.SqlQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An engine that records every call and answers with no rows: proves what reached an engine. */
public final class RecordingEngine implements HistoryEngine {

    public final List<SqlQuery> calls = new ArrayList<>();

    @Override
    public EngineResult run(SqlQuery query, String pendingId, Instant deadline) {
        calls.add(query);
        return EngineResult.finished(List.of());
    }
}
