package io.cms.provisioning;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the items of this page
 * @param nextToken pass it back to get the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextToken) {
    public Page {
        items = List.copyOf(items);
    }
}
