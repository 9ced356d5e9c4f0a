package io.cms.vss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog as nested VSS branches: {@code Vehicle → CurrentLocation → Latitude}. A node is
 * either a branch (has children) or a leaf (has a signal and its catalog index), never both.
 */
public final class SignalTree {

    private final String name;
    private final String path;
    private final Map<String, SignalTree> children = new LinkedHashMap<>();
    private Signal signal;
    private int index = -1;
    /** The children's interned names and nodes, for lookups by identity (set once the tree is built). */
    private String[] childNames;
    private SignalTree[] childNodes;

    private SignalTree(String name, String path) {
        this.name = name;
        this.path = path;
    }

    static SignalTree of(List<Signal> signals) {
        SignalTree root = new SignalTree("", "");
        for (int i = 0; i < signals.size(); i++) {
            Signal s = signals.get(i);
            SignalTree node = root;
            for (String segment : s.segments()) {
                if (node.signal != null) {
                    throw new IllegalArgumentException(s.path() + " is below the leaf " + node.path);
                }
                String childPath = node.path.isEmpty() ? segment : node.path + "." + segment;
                // Interned: JSON parsers intern field names, so lookups then match by identity.
                node = node.children.computeIfAbsent(segment.intern(), n -> new SignalTree(n, childPath));
            }
            if (!node.children.isEmpty()) {
                throw new IllegalArgumentException(s.path() + " is a branch of other signals, so it cannot be a leaf");
            }
            node.signal = s;
            node.index = i;
        }
        root.freeze();
        return root;
    }

    /** The segment name ({@code CurrentLocation}); empty for the root. */
    public String name() {
        return name;
    }

    /** The VSS path of this node ({@code Vehicle.CurrentLocation}); empty for the root. */
    public String path() {
        return path;
    }

    /** The child called {@code name}, or null. */
    public SignalTree child(String name) {
        String[] names = childNames;
        // Parsers hand over interned field names: a scan by identity beats hashing on these short
        // lists (a VSS branch has a handful of children); anything else falls back to the map.
        for (int i = 0; i < names.length; i++) {
            if (names[i] == name) {
                return childNodes[i];
            }
        }
        return children.get(name);
    }

    private void freeze() {
        childNodes = children.values().toArray(new SignalTree[0]);
        childNames = children.keySet().toArray(new String[0]);
        for (SignalTree child : childNodes) {
            child.freeze();
        }
    }

    /** Children in catalog order. */
    public Map<String, SignalTree> children() {
        return Collections.unmodifiableMap(children);
    }

    public boolean isLeaf() {
        return signal != null;
    }

    /** The signal of a leaf; null for a branch. */
    public Signal signal() {
        return signal;
    }

    /** The catalog index of a leaf; -1 for a branch. */
    public int index() {
        return index;
    }
}
