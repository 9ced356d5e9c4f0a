package io.cms.api.history;

import java.util.Optional;

/**
 * The allow-list of queryable signals: a VSS path maps to its lake column, or to nothing. Only
 * names this returns ever reach SQL, so a signal name can never inject anything.
 */
@FunctionalInterface
public interface SignalColumns {

    /** The column of a VSS path, or empty when the path is not a known signal. */
    Optional<String> column(String vssPath);
}
