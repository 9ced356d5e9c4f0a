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
    private final byte[][] names;
    private final int[] hashes;
    private final SignalKeys[] children;

    SignalKeys(SignalTree node) {
        this.node = node;
        int size = node.children().size();
        names = new byte[size][];
        hashes = new int[size];
        children = new SignalKeys[size];
        int i = 0;
        for (var child : node.children().entrySet()) {
            names[i] = child.getKey().getBytes(StandardCharsets.UTF_8);
            hashes[i] = JsonCursor.hash(names[i]);
            children[i] = new SignalKeys(child.getValue());
            i++;
        }
    }

    SignalTree node() {
        return node;
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
