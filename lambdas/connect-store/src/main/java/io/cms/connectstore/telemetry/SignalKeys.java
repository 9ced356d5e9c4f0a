package io.cms.connectstore.telemetry;

import io.cms.vss.SignalTree;
import java.nio.charset.StandardCharsets;

/**
 * A {@link SignalTree} node with its children's names as UTF-8 bytes, so the validator matches a
 * field name against the catalog straight from the payload (a hash, then the bytes), never
 * building a string for it.
 */
final class SignalKeys {

    private final SignalTree node;
    /** This node's bit among its parent's children (for duplicate detection), or 0 past the 64th. */
    private final long bit;
    private final byte[][] names;
    private final int[] hashes;
    private final SignalKeys[] children;

    SignalKeys(SignalTree node) {
        this(node, 0);
    }

    private SignalKeys(SignalTree node, long bit) {
        this.node = node;
        this.bit = bit;
        int size = node.children().size();
        names = new byte[size][];
        hashes = new int[size];
        children = new SignalKeys[size];
        int i = 0;
        for (var child : node.children().entrySet()) {
            names[i] = child.getKey().getBytes(StandardCharsets.UTF_8);
            hashes[i] = JsonCursor.hash(names[i]);
            children[i] = new SignalKeys(child.getValue(), i < Long.SIZE ? 1L << i : 0);
            i++;
        }
    }

    SignalTree node() {
        return node;
    }

    /**
     * This node's bit in a mask of the children of its parent an object has named (one per
     * child), or 0 when it has none (past the 64th child): then the name is checked as any other.
     */
    long bit() {
        return bit;
    }

    /** The child named by the field name the cursor just read, or null. */
    SignalKeys child(JsonCursor cursor) {
        int h = cursor.nameHash();
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] == h && cursor.nameIs(names[i])) {
                return children[i];
            }
        }
        return null;
    }
}
