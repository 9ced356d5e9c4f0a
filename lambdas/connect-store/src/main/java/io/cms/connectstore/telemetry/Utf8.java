package io.cms.connectstore.telemetry;

/**
 * Strict UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing above U+10FFFF), for
 * {@link JsonCursor}, which checks every non-ASCII byte of a payload with it: the lake copies the
 * bytes as they are, so a payload is accepted only when every byte of it is valid (and a refused
 * one is embedded in its quarantine record as JSON only then).
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The index of the first surrogate in {@code text} that is not half of a high-low pair, or -1:
     * text with one has no UTF-8 form.
     */
    static int unpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** How many continuation bytes the valid sequence at {@code i} has, or -1 when it is not valid. */
    static int sequenceLength(byte[] b, int i, int n) {
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
