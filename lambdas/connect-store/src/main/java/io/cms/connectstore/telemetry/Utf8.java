package io.cms.connectstore.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that a payload is strict UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing
 * above U+10FFFF) without NUL bytes, before Jackson sees it: Jackson would auto-detect UTF-16 and
 * UTF-32, and skips unknown strings without decoding them, while the lake copies the bytes as they
 * are. ASCII, what telemetry almost always is, is skipped eight bytes at a time.
 */
final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final String ONLY_UTF8 = "; only UTF-8 is accepted";

    private Utf8() {
    }

    /** Null when {@code b} is strict UTF-8 without NUL bytes, else what is wrong (for a NOT_JSON detail). */
    static String problem(byte[] b) {
        int n = b.length;
        if (n >= 2 && ((b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE)) {
            return "not JSON: starts with a UTF-16 or UTF-32 byte order mark" + ONLY_UTF8;
        }
        int i = 0;
        while (i + 8 <= n) {
            long w = (long) LONGS.get(b, i);
            if ((w & HIGH_BITS) != 0 || ((w - LOW_BITS) & ~w & HIGH_BITS) != 0) {
                break;
            }
            i += 8;
        }
        while (i < n) {
            int c = b[i];
            if (c > 0) {
                i++;
                continue;
            }
            if (c == 0) {
                return "not JSON: a NUL byte at byte " + i + " (UTF-16 or UTF-32?)" + ONLY_UTF8;
            }
            int more = sequenceLength(b, i, n);
            if (more < 0) {
                return "not JSON: invalid UTF-8 at byte " + i + ONLY_UTF8;
            }
            i += more + 1;
        }
        return null;
    }

    /** How many continuation bytes the valid sequence at {@code i} has, or -1 when it is not valid. */
    private static int sequenceLength(byte[] b, int i, int n) {
        int lead = b[i] & 0xff;
        int lo = 0x80;
        int hi = 0xBF;
        int more;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            lo = lead == 0xE0 ? 0xA0 : lo;   // overlong
            hi = lead == 0xED ? 0x9F : hi;   // U+D800..U+DFFF, surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            lo = lead == 0xF0 ? 0x90 : lo;   // overlong
            hi = lead == 0xF4 ? 0x8F : hi;   // above U+10FFFF
        } else {
            return -1;
        }
        if (i + more >= n) {
            return -1;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return -1;
        }
        for (int k = 2; k <= more; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return more;
    }
}
