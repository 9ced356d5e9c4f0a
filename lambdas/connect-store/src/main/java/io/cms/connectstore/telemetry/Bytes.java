package io.cms.connectstore.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte ranges read eight bytes at a time: hashing and comparing field names, scanning strings. */
final class Bytes {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private Bytes() {
    }

    /** Bytes [i, i + 8) as a little-endian long (byte i lowest). */
    static long longAt(byte[] a, int i) {
        return (long) LONGS.get(a, i);
    }

    /**
     * A quick hash of bytes [from, to): the length and the first and last eight bytes only. Good
     * for telling a few known names apart; not for tables an input can fill.
     */
    static int quickHash(byte[] a, int from, int to) {
        int len = to - from;
        long x = len >= 8 ? longAt(a, from) ^ Long.rotateLeft(longAt(a, to - 8), 23) : tail(a, from, to);
        x = (x + len) * MULTIPLIER;
        return (int) (x ^ (x >>> 32));
    }

    /** Whether bytes [af, at) of a equal bytes [bf, bt) of b. */
    static boolean equal(byte[] a, int af, int at, byte[] b, int bf, int bt) {
        int len = at - af;
        if (len != bt - bf) {
            return false;
        }
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            if (longAt(a, af + k) != longAt(b, bf + k)) {
                return false;
            }
        }
        return k == len || tail(a, af + k, at) == tail(b, bf + k, bt);
    }

    /** The fewer than eight bytes [i, to) in the low bytes of a long, the rest zero. */
    private static long tail(byte[] a, int i, int to) {
        if (i >= to) {
            return 0;
        }
        if (i + 8 <= a.length) {
            return longAt(a, i) & (-1L >>> (64 - 8 * (to - i)));
        }
        long w = 0;
        for (int k = to - 1; k >= i; k--) {
            w = (w << 8) | (a[k] & 0xff);
        }
        return w;
    }
}
