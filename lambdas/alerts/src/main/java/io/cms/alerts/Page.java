package io.cms.alerts;

import java.util.List;

/**
 * One page of results.
 *
 * @param items     the items, newest first
 * @param nextToken opaque token for the next page, or null on the last page
 * @param <T>       item type
 */
public record Page<T>(List<T> items, String nextToken) {

    public Page {
        items = List.copyOf(items);
    }
}
