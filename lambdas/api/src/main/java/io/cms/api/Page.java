package io.cms.api;

import java.util.List;

/**
 * One page of results and the token for the next, or null when there is none.
 *
 * @param items the results
 * @param nextToken opaque token to pass back, or null
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String nextToken) {
}
