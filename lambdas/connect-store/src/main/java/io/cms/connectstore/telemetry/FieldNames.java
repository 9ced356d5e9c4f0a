package io.cms.connectstore.telemetry;

import java.util.Arrays;

/**
 * The field names of the objects a {@link JsonCursor} is inside, to refuse a repeated name at any
 * depth. Names are byte ranges (of the payload, or of a decoded copy) kept as a stack: an object's
 * names sit together on top while it is the one being read, and go when it closes. A small object
 * is searched linearly (by the names' quick hashes, then their bytes); one with more than
 * {@value #LINEAR} names gets a table keyed by a full hash of each name, so a payload made of
 * thousands of names, even names chosen to share quick hashes, costs linear time, not quadratic.
 */
final class FieldNames {

    private static final int LINEAR = 16;

    private byte[][] array = new byte[64][];
    private int[] from = new int[64];
    private int[] to = new int[64];
    private int[] hash = new int[64];
    /** Full hashes, for the names of objects with a table (0 elsewhere). */
    private int[] full = new int[64];
    private int size;

    // Per open object: where its names start on the stack, and its table once it is large.
    private int[] start = new int[16];
    private int[][] tables = new int[16][];
    private int objects;

    /** Forgets everything (and lets go of the payload). */
    void clear() {
        Arrays.fill(array, 0, size, null);
        Arrays.fill(tables, 0, objects, null);
        size = 0;
        objects = 0;
    }

    /** An object opens. */
    void open() {
        if (objects == start.length) {
            start = Arrays.copyOf(start, objects * 2);
            tables = Arrays.copyOf(tables, objects * 2);
        }
        start[objects] = size;
        tables[objects] = null;
        objects++;
    }

    /** The innermost object closes. */
    void close() {
        objects--;
        size = start[objects];
        tables[objects] = null;
    }

    /**
     * Adds a name of the innermost object.
     *
     * @param h the name's {@link Bytes#quickHash}
     * @return false when that object has the name already
     */
    boolean add(byte[] a, int f, int t, int h) {
        int first = start[objects - 1];
        int[] table = tables[objects - 1];
        if (table == null) {
            for (int k = first; k < size; k++) {
                if (hash[k] == h && Bytes.equal(array[k], from[k], to[k], a, f, t)) {
                    return false;
                }
            }
            push(a, f, t, h);
            if (size - first > LINEAR) {
                tables[objects - 1] = table(first);
            }
            return true;
        }
        int fh = Bytes.hash(a, f, t);
        int mask = table.length - 1;
        int slot = spread(fh) & mask;
        for (int e; (e = table[slot]) != 0; slot = (slot + 1) & mask) {
            int k = e - 1;
            if (full[k] == fh && Bytes.equal(array[k], from[k], to[k], a, f, t)) {
                return false;
            }
        }
        push(a, f, t, h);
        full[size - 1] = fh;
        table[slot] = size;
        if ((size - first) * 2 > table.length) {
            tables[objects - 1] = table(first);
        }
        return true;
    }

    private void push(byte[] a, int f, int t, int h) {
        if (size == hash.length) {
            int grown = size * 2;
            array = Arrays.copyOf(array, grown);
            from = Arrays.copyOf(from, grown);
            to = Arrays.copyOf(to, grown);
            hash = Arrays.copyOf(hash, grown);
            full = Arrays.copyOf(full, grown);
        }
        array[size] = a;
        from[size] = f;
        to[size] = t;
        hash[size] = h;
        size++;
    }

    /** A table (at most half full) of the names from {@code first} up. */
    private int[] table(int first) {
        int[] table = new int[Integer.highestOneBit((size - first) * 4)];
        int mask = table.length - 1;
        for (int k = first; k < size; k++) {
            if (tables[objects - 1] == null) {
                full[k] = Bytes.hash(array[k], from[k], to[k]);
            }
            int slot = spread(full[k]) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = k + 1;
        }
        return table;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
