package io.cms.api.history;

import java.util.List;

/**
 * SQL text with positional {@code ?} parameters; values are never spliced into the text.
 *
 * @param sql the statement
 * @param parameters the parameter values in order
 * @param partitions how many hour partitions the statement can touch
 */
public record SqlQuery(String sql, List<Object> parameters, int partitions) {
}
