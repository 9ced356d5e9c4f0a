package io.cms.api.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The rows of a finished query (each keyed by lake column, values typed: numbers as numbers, nulls
 * as nulls), or the id of a query still running when the deadline came.
 *
 * @param rows the rows in query order; null while pending
 * @param pendingId the engine's query id to resume with; null when finished
 */
public record EngineResult(List<ObjectNode> rows, String pendingId) {

    public EngineResult {
        if ((rows == null) == (pendingId == null)) {
            throw new IllegalArgumentException("a result has either rows or a pending query id");
        }
        rows = rows == null ? null : List.copyOf(rows);
    }

    public static EngineResult finished(List<ObjectNode> rows) {
        return new EngineResult(rows, null);
    }

    public static EngineResult pending(String queryId) {
        return new EngineResult(null, queryId);
    }

    public boolean isPending() {
        return pendingId != null;
    }
}
