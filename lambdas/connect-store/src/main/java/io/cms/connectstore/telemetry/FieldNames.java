package io.cms.connectstore.telemetry;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The field names of the objects a {@link JsonCursor} is inside, to refuse a repeated name at any
 * depth. Names are byte ranges (of the payload, or of a decoded copy) kept as a stack: an object's
 * names sit together on top while it is the one being read, and go when it closes. A small object
 * is searched linearly (by the names' quick hashes, then their bytes); one with more than
 * {@value #LINEAR} names also keeps its names in a set ordered by their bytes, so a payload made
 * of thousands of names costs O(n log n) whatever the names are: no hash an input could flood.
 */
final class FieldNames {

    private static final int LINEAR = 16;

    private byte[][] array = new byte[64][];
    private int[] from = new int[64];
    private int[] to = new int[64];
    private int[] hash = new int[64];
    private int size;

    // Per open object: where its names start on the stack, and its ordered set once it is large.
    private int[] start = new int[16];
    private TreeSet<Integer>[] sorted = newSets(16);
    private int objects;

    /** Forgets everything (and lets go of the payload). */
    void clear() {
        Arrays.fill(array, 0, size, null);
        Arrays.fill(sorted, 0, objects, null);
        size = 0;
        objects = 0;
    }

    /** An object opens. */
    void open() {
        if (objects == start.length) {
            start = Arrays.copyOf(start, objects * 2);
            sorted = Arrays.copyOf(sorted, objects * 2);
        }
        start[objects] = size;
        sorted[objects] = null;
        objects++;
    }

    /** The innermost object closes. */
    void close() {
        objects--;
        Arrays.fill(array, start[objects], size, null);
        size = start[objects];
        sorted[objects] = null;
    }

    /**
     * Adds a name of the innermost object.
     *
     * @param h the name's {@link Bytes#quickHash}
     * @return false when that object has the name already
     */
    boolean add(byte[] a, int f, int t, int h) {
        int first = start[objects - 1];
        TreeSet<Integer> set = sorted[objects - 1];
        if (set == null) {
            for (int k = first; k < size; k++) {
                if (hash[k] == h && Bytes.equal(array[k], from[k], to[k], a, f, t)) {
                    return false;
                }
            }
            push(a, f, t, h);
            if (size - first > LINEAR) {
                set = new TreeSet<>(this::compare);
                for (int k = first; k < size; k++) {
                    set.add(k);
                }
                sorted[objects - 1] = set;
            }
            return true;
        }
        push(a, f, t, h);
        if (!set.add(size - 1)) {
            size--;
            array[size] = null;
            return false;
        }
        return true;
    }

    private int compare(int x, int y) {
        return Arrays.compareUnsigned(array[x], from[x], to[x], array[y], from[y], to[y]);
    }

    private void push(byte[] a, int f, int t, int h) {
        if (size == hash.length) {
            int grown = size * 2;
            array = Arrays.copyOf(array, grown);
            from = Arrays.copyOf(from, grown);
            to = Arrays.copyOf(to, grown);
            hash = Arrays.copyOf(hash, grown);
        }
        array[size] = a;
        from[size] = f;
        to[size] = t;
        hash[size] = h;
        size++;
    }

    @SuppressWarnings("unchecked")
    private static TreeSet<Integer>[] newSets(int n) {
        return (TreeSet<Integer>[]) new TreeSet<?>[n];
    }
}
