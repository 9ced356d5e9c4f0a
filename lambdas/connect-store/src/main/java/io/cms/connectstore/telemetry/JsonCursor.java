package io.cms.connectstore.telemetry;

import com.fasterxml.jackson.core.io.NumberInput;
import io.cms.lambda.common.Printable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict RFC 8259 pull reader over one UTF-8 payload, for the validator's hot path. It does in
 * one pass what a general parser, a separate UTF-8 check and duplicate detection did in three:
 * every byte is checked once (strict UTF-8 inside strings, only JSON's ASCII grammar outside them,
 * no NUL), every object is checked for duplicate field names at any depth, and field names are
 * matched against the catalog as bytes ({@link #nameHash()}, {@link #nameIs}), so no string is
 * built for a name or for a value nobody reads. Numbers are converted only when asked, exactly
 * (Clinger's fast path, else the full-precision parser).
 *
 * <p>Limits: nesting depth 1000 (Jackson's default), numbers of at most 1000 characters (sign,
 * point and exponent included). A
 * UTF-8 byte-order mark at the start is skipped (and counts as a line break for
 * {@link #sawLineBreak()}); a UTF-16 or UTF-32 one is refused by name. Not thread-safe; {@link #reset} starts over on another payload.
 */
final class JsonCursor {

    /** What {@link #next()} found. */
    enum Token { START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, FIELD_NAME, STRING, NUMBER_INT, NUMBER_FLOAT, TRUE, FALSE, NULL }

    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;
    /** How much of an unrecognized token a message shows. */
    private static final int MAX_SHOWN = 40;
    private static final int EOF = -1;
    private static final String ONLY_UTF8 = "; only UTF-8 is accepted";
    // Eight string bytes at a time: which are a quote, a backslash, a control or a non-ASCII byte.
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    // Where the reader stands: what the next significant byte may be.
    private static final int ROOT = 0;
    private static final int OBJECT_FIRST = 1;
    private static final int OBJECT_NEXT = 2;
    /** After a field name: its ':' (checked on the way to the value), then its value. */
    private static final int FIELD_VALUE = 3;
    private static final int ARRAY_FIRST = 4;
    private static final int ARRAY_NEXT = 5;
    private static final int DONE = 6;

    private byte[] b;
    private int n;
    private int pos;
    private int state;
    private boolean lineBreak;
    /** Whether an object may repeat a name (JSON allows it; the validator does not). */
    private boolean repeatedNames;

    // Open containers: whether each is an object, whether the caller checks an object's names
    // (see checkNamesByCaller); the names of the open objects.
    private boolean[] isObject = new boolean[16];
    private boolean[] namesByCaller = new boolean[16];
    private int depth;
    private final FieldNames names = new FieldNames();

    // The last string or field name: bytes [from, to) of array (the payload, or a decoded copy).
    private byte[] strArray;
    private int strFrom;
    private int strTo;
    private boolean strEscaped;
    /** The decoded name when it had escapes (then strArray holds {@link #nameBytes} of it). */
    private String decodedName;
    private int nameHash;
    /** Just after the last field name's closing quote. */
    private int nameEnd;

    // The last number.
    private int numFrom;
    private int numTo;
    private long mantissa;
    private int significant;
    private int exponent;
    private boolean negative;
    private boolean floating;
    private boolean inexact;

    /**
     * Starts over on {@code payload}, refusing repeated names.
     *
     * @throws Malformed when it starts with a UTF-16 or UTF-32 byte-order mark
     */
    JsonCursor reset(byte[] payload) {
        return reset(payload, false);
    }

    /**
     * Starts over on {@code payload}; with {@code allowRepeatedNames} an object may repeat a name
     * (no {@link DuplicateKey}), everything else is checked as strictly.
     *
     * @throws Malformed when it starts with a UTF-16 or UTF-32 byte-order mark
     */
    JsonCursor reset(byte[] payload, boolean allowRepeatedNames) {
        repeatedNames = allowRepeatedNames;
        b = payload;
        n = payload.length;
        pos = 0;
        state = ROOT;
        depth = 0;
        lineBreak = false;
        strArray = null;
        names.clear();
        if (n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            pos = 3;
            lineBreak = true;
        } else if (n >= 2 && ((b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE)) {
            // Invalid UTF-8 anyway; say why (UTF-32LE's mark starts as UTF-16LE's, UTF-32BE's with NUL).
            throw new Malformed("not JSON: starts with a UTF-16 or UTF-32 byte order mark" + ONLY_UTF8);
        }
        return this;
    }

    /** Lets go of the payload (the cursor may be kept for reuse). */
    void release() {
        b = null;
        strArray = null;
        decodedName = null;
        names.clear();
    }

    /**
     * The next token, or null at the end of the payload (only after the root value, or for a
     * payload holding nothing but whitespace).
     *
     * @throws Malformed when the bytes are not strict UTF-8 JSON
     * @throws DuplicateKey when an object repeats a field name (unless reset to allow it)
     */
    Token next() {
        int c = skipWhitespace();
        switch (state) {
            case ROOT -> {
                return c == EOF ? null : value(c);
            }
            case FIELD_VALUE -> {
                if (c != ':') {
                    throw unexpected(c, "':' after a field name");
                }
                pos++;
                return value(skipWhitespace());
            }
            case ARRAY_FIRST -> {
                if (c == ']') {
                    return endContainer(Token.END_ARRAY);
                }
                return value(c);
            }
            case OBJECT_FIRST -> {
                return c == '}' ? endContainer(Token.END_OBJECT) : fieldName(c);
            }
            case OBJECT_NEXT -> {
                if (c == '}') {
                    return endContainer(Token.END_OBJECT);
                }
                if (c != ',') {
                    throw unexpected(c, "',' or '}' in an object");
                }
                pos++;
                return fieldName(skipWhitespace());
            }
            case ARRAY_NEXT -> {
                if (c == ']') {
                    return endContainer(Token.END_ARRAY);
                }
                if (c != ',') {
                    throw unexpected(c, "',' or ']' in an array");
                }
                pos++;
                return value(skipWhitespace());
            }
            default -> {
                if (c == EOF) {
                    return null;
                }
                throw malformed("unexpected content after the object", pos);
            }
        }
    }

    /** After a START_OBJECT or START_ARRAY: reads up to and including its end. Otherwise nothing. */
    void skipChildren(Token current) {
        if (current != Token.START_OBJECT && current != Token.START_ARRAY) {
            return;
        }
        int target = depth - 1;
        while (depth > target) {
            if (next() == null) {
                throw malformed("unexpected end of input", pos);
            }
        }
    }

    /**
     * The innermost object, just opened, has its names checked by the caller from its next field
     * name on: for each, the caller either tracks it itself (a name it knows, by what it means: an
     * escaped spelling is the same name) and throws {@link #duplicateName()} on its second
     * appearance, or calls {@link #requireNewName()}. Objects inside it are the cursor's again.
     */
    void checkNamesByCaller() {
        namesByCaller[depth - 1] = true;
    }

    /**
     * For an object whose names the caller checks: records the last field name among that
     * object's names, refusing it when they hold it already (unless reset to allow repeats).
     *
     * @throws DuplicateKey as the cursor's own check would
     */
    void requireNewName() {
        if (!repeatedNames && !names.add(strArray, strFrom, strTo, nameHash)) {
            throw duplicateName();
        }
    }

    /** The refusal of the last field name as a repeat: it, and just after it. */
    DuplicateKey duplicateName() {
        return new DuplicateKey(text(), nameEnd);
    }

    /** Whether a CR or LF appeared outside strings (or a byte-order mark at the start). */
    boolean sawLineBreak() {
        return lineBreak;
    }

    /** Where the reader stands: the offset of the next unread byte. */
    int offset() {
        return pos;
    }

    /** The hash of the last field name's UTF-8 bytes, as {@link #hash(byte[])} computes it. */
    int nameHash() {
        return nameHash;
    }

    /** Whether the last field name (or string) is exactly these UTF-8 bytes. */
    boolean nameIs(byte[] name) {
        return Bytes.equal(strArray, strFrom, strTo, name, 0, name.length);
    }

    /** The hash {@link #nameHash()} uses, for names known in advance. */
    static int hash(byte[] name) {
        return Bytes.quickHash(name, 0, name.length);
    }

    /**
     * The last string or field name, decoded.
     *
     * @throws Malformed when escapes spell an unpaired surrogate: valid JSON, but no UTF-8 text (so
     *     the value the lake would store could not be the one the raw copy holds)
     */
    String text() {
        if (strArray != b) {
            return decodedName;
        }
        if (!strEscaped) {
            return new String(b, strFrom, strTo - strFrom, StandardCharsets.UTF_8);
        }
        String text = decode(strFrom, strTo);
        requirePairedSurrogates(text, "a string", strFrom - 1);
        return text;
    }

    /** The last number as a double, exactly as {@code Double.parseDouble} reads it (an integer -0 as 0.0). */
    double doubleValue() {
        if (!inexact && exponent == 0 && significant <= 18) {
            // An integer converts as its long does (so "-0" is 0.0, as Jackson reads it).
            return floating ? (negative ? -(double) mantissa : (double) mantissa) : (double) (negative ? -mantissa : mantissa);
        }
        if (!inexact && significant <= 15 && exponent >= -22 && exponent <= 22) {
            double d = mantissa;
            d = exponent < 0 ? d / POWERS_OF_TEN[-exponent] : d * POWERS_OF_TEN[exponent];
            return negative ? -d : d;
        }
        // Beyond the fast path (17-digit coordinates, say): Jackson's exact fast parser.
        return NumberInput.parseDouble(numberText(), true);
    }

    /**
     * The last integer number as a long.
     *
     * @throws NumberFormatException when it does not fit
     */
    long longValue() {
        if (!inexact && exponent == 0 && significant <= 18) {
            return negative ? -mantissa : mantissa;
        }
        return Long.parseLong(numberText());
    }

    private String numberText() {
        return new String(b, numFrom, numTo - numFrom, StandardCharsets.ISO_8859_1);
    }

    private int skipWhitespace() {
        while (pos < n) {
            int c = b[pos] & 0xff;
            if (c > ' ') {
                return c;
            }
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n' || c == '\r') {
                lineBreak = true;
                pos++;
            } else {
                return c;
            }
        }
        return EOF;
    }

    private Token value(int c) {
        switch (c) {
            case '{' -> {
                open(true);
                state = OBJECT_FIRST;
                return Token.START_OBJECT;
            }
            case '[' -> {
                open(false);
                state = ARRAY_FIRST;
                return Token.START_ARRAY;
            }
            case '"' -> {
                scanString(false);
                afterValue();
                return Token.STRING;
            }
            case 't' -> {
                return literal("true", Token.TRUE);
            }
            case 'f' -> {
                return literal("false", Token.FALSE);
            }
            case 'n' -> {
                return literal("null", Token.NULL);
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    Token t = scanNumber();
                    afterValue();
                    return t;
                }
                if (isTokenChar(c)) {
                    throw unrecognized();
                }
                throw unexpected(c, "a value");
            }
        }
    }

    private Token fieldName(int c) {
        if (c != '"') {
            throw unexpected(c, "a field name in double quotes");
        }
        scanString(true);
        nameEnd = pos;
        if (!repeatedNames && !namesByCaller[depth - 1] && !names.add(strArray, strFrom, strTo, nameHash)) {
            throw duplicateName();
        }
        // The ':' is checked by the next call, so a caller checking names refuses a repeated name
        // before a bad ':' after it, as the cursor does.
        state = FIELD_VALUE;
        return Token.FIELD_NAME;
    }

    private void open(boolean object) {
        if (depth == MAX_DEPTH) {
            throw malformed("nesting deeper than " + MAX_DEPTH + " levels", pos);
        }
        if (depth == isObject.length) {
            isObject = Arrays.copyOf(isObject, depth * 2);
            namesByCaller = Arrays.copyOf(namesByCaller, depth * 2);
        }
        isObject[depth] = object;
        namesByCaller[depth] = false;
        if (object) {
            names.open();
        }
        depth++;
        pos++;
    }

    private Token endContainer(Token token) {
        pos++;
        depth--;
        if (token == Token.END_OBJECT) {
            names.close();
        }
        afterValue();
        return token;
    }

    private void afterValue() {
        state = depth == 0 ? DONE : isObject[depth - 1] ? OBJECT_NEXT : ARRAY_NEXT;
    }

    private Token literal(String word, Token token) {
        int len = word.length();
        boolean matches = pos + len <= n;
        for (int k = 0; matches && k < len; k++) {
            matches = b[pos + k] == word.charAt(k);
        }
        if (!matches || (pos + len < n && isTokenChar(b[pos + len] & 0xff))) {
            throw unrecognized();
        }
        pos += len;
        afterValue();
        return token;
    }

    /** Scans the string at {@code pos} (its opening quote); leaves {@code pos} after the closing one. */
    private void scanString(boolean name) {
        int i = pos + 1;
        boolean escaped = false;
        while (true) {
            // Eight bytes at a time while none is a quote, a backslash, a control or a non-ASCII byte
            // (a flag can be wrong only above a true one, so the lowest flag is a true special byte).
            while (i + 8 <= n) {
                long w = Bytes.longAt(b, i);
                long quote = w ^ QUOTES;
                long backslash = w ^ BACKSLASHES;
                long special = (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - SPACES) & ~w) | w) & HIGH_BITS;
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= n) {
                throw malformed("unterminated string", pos);
            }
            int c = b[i];
            if (c >= 0x20 && c != '"' && c != '\\') {
                i++;
            } else if (c == '"') {
                break;
            } else if (c == '\\') {
                escaped = true;
                i = checkEscape(i);
            } else if (c < 0) {
                int more = Utf8.sequenceLength(b, i, n);
                if (more < 0) {
                    throw notUtf8(i);
                }
                i += more + 1;
            } else if (c == 0) {
                throw nul(i);
            } else {
                throw malformed("an unescaped control character (0x" + hex(c) + ") in a string", i);
            }
        }
        strArray = b;
        strFrom = pos + 1;
        strTo = i;
        strEscaped = escaped;
        pos = i + 1;
        if (name) {
            if (escaped) {
                // Compare names by what they mean: "v\u0069n" is "vin".
                decodedName = decode(strFrom, strTo);
                byte[] decoded = nameBytes(decodedName, strFrom - 1);
                strArray = decoded;
                strFrom = 0;
                strTo = decoded.length;
            }
            nameHash = Bytes.quickHash(strArray, strFrom, strTo);
        }
    }

    /** Checks the escape at {@code i} (a backslash); returns the index after it. */
    private int checkEscape(int i) {
        if (i + 1 >= n) {
            throw malformed("unterminated string", i);
        }
        int e = b[i + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                for (int k = 2; k < 6; k++) {
                    if (i + k >= n || Character.digit(b[i + k], 16) < 0) {
                        throw malformed("\\u must be followed by four hex digits", i);
                    }
                }
                return i + 6;
            }
            default -> throw malformed("invalid escape " + (e >= 0x20 && e < 0x7f ? "'\\" + (char) e + "'" : "byte 0x" + hex(e & 0xff)), i);
        }
    }

    /** Decodes the checked string bytes [from, to) with escapes. */
    private String decode(int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int run = from;
        int i = from;
        while (i < to) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            out.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            int e = b[i + 1];
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.ISO_8859_1), 16));
                default -> out.append((char) e);
            }
            i += e == 'u' ? 6 : 2;
            run = i;
        }
        return out.append(new String(b, run, to - run, StandardCharsets.UTF_8)).toString();
    }

    /**
     * A decoded name as UTF-8 bytes. A name with an unpaired surrogate (escaped, as UTF-8 cannot
     * hold one) is refused, as Jackson refuses it: no UTF-8 reader of the raw copy could name it.
     */
    private byte[] nameBytes(String name, int at) {
        requirePairedSurrogates(name, "a field name", at);
        return name.getBytes(StandardCharsets.UTF_8);
    }

    private static void requirePairedSurrogates(String text, String what, int at) {
        int i = Utf8.unpairedSurrogate(text);
        if (i >= 0) {
            throw malformed(String.format("%s with the unpaired surrogate \\u%04X", what, (int) text.charAt(i)), at);
        }
    }

    /** Scans the number at {@code pos}, keeping up to 19 significant digits and the decimal exponent. */
    private Token scanNumber() {
        int i = pos;
        negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int sig = 0;
        int exp = 0;
        boolean dropped = false;
        if (i < n && b[i] == '0') {
            i++;
            if (i < n && isDigit(b[i])) {
                throw malformed("a number with a leading zero", pos);
            }
        } else if (i < n && isDigit(b[i])) {
            while (i < n && isDigit(b[i])) {
                if (sig < 19) {
                    m = m * 10 + (b[i] - '0');
                    sig++;
                } else {
                    exp++;
                    dropped |= b[i] != '0';
                }
                i++;
            }
        } else {
            throw malformed("a number must have digits", pos);
        }
        boolean fraction = false;
        if (i < n && b[i] == '.') {
            fraction = true;
            i++;
            if (i >= n || !isDigit(b[i])) {
                throw malformed("a number needs digits after the decimal point", pos);
            }
            while (i < n && isDigit(b[i])) {
                if (sig < 19) {
                    if (m != 0 || b[i] != '0') {
                        m = m * 10 + (b[i] - '0');
                        sig++;
                    }
                    exp--;
                } else {
                    dropped |= b[i] != '0';
                }
                i++;
            }
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            fraction = true;
            i++;
            boolean minus = false;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                minus = b[i] == '-';
                i++;
            }
            if (i >= n || !isDigit(b[i])) {
                throw malformed("a number needs digits in its exponent", pos);
            }
            int e = 0;
            while (i < n && isDigit(b[i])) {
                e = Math.min(e * 10 + (b[i] - '0'), 100_000);
                i++;
            }
            exp += minus ? -e : e;
        }
        if (i - pos > MAX_NUMBER_LENGTH) {
            throw malformed("a number longer than " + MAX_NUMBER_LENGTH + " characters", pos);
        }
        if (i < n && isTokenChar(b[i] & 0xff)) {
            throw unexpected(b[i] & 0xff, "a delimiter after a number");
        }
        numFrom = pos;
        numTo = i;
        mantissa = m;
        significant = sig;
        exponent = exp;
        floating = fraction;
        inexact = dropped || (!fraction && exp != 0);
        pos = i;
        return fraction ? Token.NUMBER_FLOAT : Token.NUMBER_INT;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Bytes a token may run on with (so "truex" and "1x" are one bad token, not two). */
    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c == '.' || c == '+' || c == '-';
    }

    private Malformed unrecognized() {
        int end = pos;
        while (end < n && isTokenChar(b[end] & 0xff)) {
            end++;
        }
        String token = new String(b, pos, Math.min(end - pos, MAX_SHOWN + 1), StandardCharsets.ISO_8859_1);
        return malformed("unrecognized token '" + Printable.clip(token, MAX_SHOWN) + "'", pos);
    }

    private Malformed unexpected(int c, String expected) {
        if (c == EOF) {
            return malformed("unexpected end of input (expected " + expected + ")", pos);
        }
        if (c == 0) {
            return nul(pos);
        }
        if (c >= 0x80) {
            int more = Utf8.sequenceLength(b, pos, n);
            if (more < 0) {
                return notUtf8(pos);
            }
            int codePoint = new String(b, pos, more + 1, StandardCharsets.UTF_8).codePointAt(0);
            return malformed(String.format("unexpected character U+%04X (expected %s)", codePoint, expected), pos);
        }
        String shown = c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : "0x" + hex(c);
        return malformed("unexpected character " + shown + " (expected " + expected + ")", pos);
    }

    private static Malformed notUtf8(int at) {
        return new Malformed("not JSON: invalid UTF-8 at byte " + at + ONLY_UTF8);
    }

    private static Malformed nul(int at) {
        return new Malformed("not JSON: a NUL byte at byte " + at + " (UTF-16 or UTF-32?)" + ONLY_UTF8);
    }

    private static Malformed malformed(String what, int at) {
        return new Malformed("not JSON: " + what + " at byte " + at);
    }

    private static String hex(int c) {
        return String.format("%02X", c);
    }

    /** The payload is not strict UTF-8 JSON; the message is the whole rejection detail. */
    static final class Malformed extends RuntimeException {
        Malformed(String detail) {
            super(detail, null, false, false);
        }
    }

    /** An object repeats a field name. */
    static final class DuplicateKey extends RuntimeException {
        private final String name;
        private final int offset;

        DuplicateKey(String name, int offset) {
            super(name, null, false, false);
            this.name = name;
            this.offset = offset;
        }

        String name() {
            return name;
        }

        /** Just after the repeated name. */
        int offset() {
            return offset;
        }
    }
}
