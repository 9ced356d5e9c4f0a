package io.cms.connectstore.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.cms.connectstore.telemetry.JsonCursor.Token;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written reader against Jackson (strict duplicate detection) as the reference: on
 * generated documents and on their byte-level mutations both must accept or both refuse, and when
 * they accept, give the same tokens, texts and numbers. Where Jackson is lenient (it does not
 * insist on strict UTF-8), the reader must refuse.
 */
class JsonCursorTest {

    private static final JsonFactory JACKSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final String[] NAMES = {"", "a", "vin", "Vehicle", "Speed", "x\u00e9", "\ud83d\ude97", "CurrentLocation", "b"};
    private static final byte[] INTERESTING = "{}[],:\"\\ \t\n0123456789eE.-+tfnulr/".getBytes(StandardCharsets.US_ASCII);
    private static final int[] ODD_BYTES = {0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF};

    @Test
    void agreesWithJacksonOnGeneratedDocumentsAndTheirMutations() {
        Random random = new Random(20261203);
        int accepted = 0;
        int refused = 0;
        for (int doc = 0; doc < 3000; doc++) {
            StringBuilder json = new StringBuilder();
            value(random, json, 0);
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            if (compare(bytes)) {
                accepted++;
            } else {
                refused++;
            }
            for (int m = 0; m < 10; m++) {
                if (compare(mutate(random, bytes))) {
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        // Both sides were exercised: a comparison that only ever saw refusals would prove little.
        assertThat(accepted).isGreaterThan(5000);
        assertThat(refused).isGreaterThan(5000);
    }

    @Test
    void numbersConvertExactlyAsDoubleParseDouble() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextDouble() * 360 - 180;
                case 1 -> Double.longBitsToDouble(random.nextLong());
                case 2 -> Math.round(random.nextDouble() * 1e6) / 1e3;
                default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            };
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            for (String text : new String[] {Double.toString(d), String.format(Locale.ROOT, "%.3f", d),
                String.format(Locale.ROOT, "%.17e", d), new BigDecimal(d).toPlainString(), String.format(Locale.ROOT, "%.0f", d)}) {
                String json = text.replace("E", "e");
                if (json.length() > JsonCursor.MAX_NUMBER_LENGTH) {
                    continue;
                }
                if (json.startsWith("-")) {
                    json = "-" + stripLeadingZeros(json.substring(1));
                } else {
                    json = stripLeadingZeros(json);
                }
                JsonCursor cursor = new JsonCursor().reset(("[" + json + "]").getBytes(StandardCharsets.US_ASCII));
                cursor.next();
                Token t = cursor.next();
                // An integer -0 reads as 0.0 (as Jackson reads it: the integer 0, then a double).
                double expected = t == Token.NUMBER_INT && Double.parseDouble(json) == 0 ? 0.0 : Double.parseDouble(json);
                assertThat(Double.doubleToRawLongBits(cursor.doubleValue())).as(json).isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
    }

    @Test
    void integersKeepEveryDigitAsLongsAndSayWhenTheyDoNotFit() {
        assertThat(longOf("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(longOf("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(longOf("123456789012345678")).isEqualTo(123456789012345678L);
        assertThat(longOf("-0")).isZero();
        assertThatThrownBy(() -> longOf("9223372036854775808")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> longOf("100000000000000000000")).isInstanceOf(NumberFormatException.class);
        JsonCursor c = new JsonCursor().reset("[-0,-0.0]".getBytes(StandardCharsets.US_ASCII));
        c.next();
        c.next();
        assertThat(Double.doubleToRawLongBits(c.doubleValue())).as("an integer -0 is 0.0, as Jackson reads it").isZero();
        c.next();
        assertThat(Double.doubleToRawLongBits(c.doubleValue())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void aRepeatedNameIsFoundInObjectsOfAnySizeButTheSameNameInSiblingObjectsIsFine() {
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            big.append("\"k").append(i).append("\":").append(i).append(',');
        }
        String distinct = big + "\"last\":{\"k1\":1,\"k2\":{\"k1\":2}},\"other\":{\"k1\":3}}";
        assertThat(tokens(distinct)).isGreaterThan(20_000);
        for (String repeat : new String[] {"k0", "k19999", "k777"}) {
            assertThatThrownBy(() -> tokens(big + "\"" + repeat + "\":1}")).isInstanceOf(JsonCursor.DuplicateKey.class)
                    .extracting(e -> ((JsonCursor.DuplicateKey) e).name()).isEqualTo(repeat);
        }
        // Names alike in length and in their first and last eight bytes (one quick hash for all).
        StringBuilder alike = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            alike.append("\"aaaaaaaa").append(100_000 + i).append("bbbbbbbb\":0,");
        }
        assertThat(tokens(alike + "\"end\":0}")).isEqualTo(2 * 20_001 + 2);
        assertThatThrownBy(() -> tokens(alike + "\"aaaaaaaa100500bbbbbbbb\":0}")).isInstanceOf(JsonCursor.DuplicateKey.class);
        assertThatThrownBy(() -> tokens("{\"vin\":1,\"v\\u0069n\":2}")).isInstanceOf(JsonCursor.DuplicateKey.class);
        assertThatThrownBy(() -> tokens("{\"a\":{\"b\":1,\"c\":[{\"d\":1,\"d\":1}]}}")).isInstanceOf(JsonCursor.DuplicateKey.class);
        assertThat(error("{\"a\\ud800\":1}")).as("a name UTF-8 cannot hold, as Jackson refuses it")
                .isEqualTo("not JSON: a field name with the unpaired surrogate \\uD800 at byte 1");
        assertThat(tokens("[\"a\\ud800\"]")).as("a string nobody reads may hold one").isEqualTo(3);
        JsonCursor read = new JsonCursor().reset("[\"ab\\ud800\"]".getBytes(StandardCharsets.US_ASCII));
        read.next();
        read.next();
        assertThatThrownBy(read::text).as("but it cannot be read: UTF-8 cannot hold it").isInstanceOf(JsonCursor.Malformed.class)
                .hasMessage("not JSON: a string with the unpaired surrogate \\uD800 at byte 1");
        assertThatThrownBy(() -> tokens("{\"\":1,\"\":2}")).as("the empty name twice").isInstanceOf(JsonCursor.DuplicateKey.class);
    }

    @Test
    void anObjectWhoseNamesTheCallerChecksLeavesItsNamesToTheCallerAndItsInnerObjectsToTheReader() {
        JsonCursor c = new JsonCursor().reset("{\"a\":1,\"a\":2,\"c\":3,\"c\":{\"b\":1,\"b\":2}}".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.next()).isEqualTo(Token.START_OBJECT);
        c.checkNamesByCaller();
        assertThat(c.next()).isEqualTo(Token.FIELD_NAME);
        c.next();
        assertThat(c.next()).as("a name the caller tracks is not the reader's to refuse").isEqualTo(Token.FIELD_NAME);
        JsonCursor.DuplicateKey repeat = c.duplicateName();
        assertThat(repeat.name()).isEqualTo("a");
        assertThat(repeat.offset()).as("just after the name, as the reader's own refusal").isEqualTo(10);
        c.next();
        assertThat(c.next()).isEqualTo(Token.FIELD_NAME);
        c.requireNewName();
        c.next();
        assertThat(c.next()).isEqualTo(Token.FIELD_NAME);
        assertThatThrownBy(c::requireNewName).isInstanceOf(JsonCursor.DuplicateKey.class)
                .extracting(e -> ((JsonCursor.DuplicateKey) e).offset()).isEqualTo(22);
        assertThat(c.next()).isEqualTo(Token.START_OBJECT);
        assertThat(c.next()).isEqualTo(Token.FIELD_NAME);
        c.next();
        assertThatThrownBy(c::next).as("an inner object is the reader's again").isInstanceOf(JsonCursor.DuplicateKey.class)
                .extracting(e -> ((JsonCursor.DuplicateKey) e).name()).isEqualTo("b");
    }

    @Test
    void resetToAllowRepeatedNamesReadsThemAndChecksEverythingElse() {
        JsonCursor c = new JsonCursor();
        byte[] repeated = "{\"a\":{\"b\":1,\"b\":2},\"a\":[{\"\":1,\"\":2}]}".getBytes(StandardCharsets.US_ASCII);
        assertThat(drain(c.reset(repeated, true))).isEqualTo(18);
        assertThatThrownBy(() -> drain(c.reset(repeated))).as("a plain reset refuses them again").isInstanceOf(JsonCursor.DuplicateKey.class);
        assertThatThrownBy(() -> drain(c.reset("{\"a\":1,\"a\":2,\"b\\ud800\":3}".getBytes(StandardCharsets.US_ASCII), true)))
                .isInstanceOf(JsonCursor.Malformed.class).hasMessage("not JSON: a field name with the unpaired surrogate \\uD800 at byte 13");
    }

    @Test
    void aUtf16OrUtf32ByteOrderMarkIsRefusedByName() {
        String bom = "not JSON: starts with a UTF-16 or UTF-32 byte order mark; only UTF-8 is accepted";
        for (byte[] mark : new byte[][] {{(byte) 0xFE, (byte) 0xFF}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xFF, (byte) 0xFE, 0, 0}}) {
            byte[] payload = Arrays.copyOf(mark, mark.length + 2);
            payload[mark.length] = '[';
            payload[mark.length + 1] = ']';
            assertThatThrownBy(() -> drain(new JsonCursor().reset(payload))).isInstanceOf(JsonCursor.Malformed.class).hasMessage(bom);
        }
        assertThat(tokens("\uFEFF[]")).as("a UTF-8 one is skipped").isEqualTo(2);
    }

    @Test
    void aFieldNameMaySpellACharacterOutsideTheBmpAsAnEscapedPair() {
        assertThat(tokens("{\"a\\uD83D\\uDE97\":1}")).isEqualTo(4);
        assertThatThrownBy(() -> tokens("{\"a\ud83d\ude97\":1,\"a\\uD83D\\uDE97\":2}")).as("the same name spelled twice")
                .isInstanceOf(JsonCursor.DuplicateKey.class);
    }

    @Test
    void theCursorIsReusableAfterAnErrorAndLetsGoOfThePayload() {
        JsonCursor c = new JsonCursor();
        assertThatThrownBy(() -> drain(c.reset("{\"a\":{\"b\":[1,".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(JsonCursor.Malformed.class).hasMessage("not JSON: unexpected end of input (expected a value) at byte 13");
        assertThat(drain(c.reset("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(6);
        c.release();
        assertThatThrownBy(() -> drain(c.reset("[".repeat(1001).getBytes(StandardCharsets.US_ASCII))))
                .hasMessage("not JSON: nesting deeper than 1000 levels at byte 1000");
    }

    @Test
    void refusalsSayWhatAndWhere() {
        assertThat(error("{\"a\":tru}")).isEqualTo("not JSON: unrecognized token 'tru' at byte 5");
        assertThat(error("{\"a\":01}")).isEqualTo("not JSON: a number with a leading zero at byte 5");
        assertThat(error("{\"a\":1.}")).isEqualTo("not JSON: a number needs digits after the decimal point at byte 5");
        assertThat(error("{\"a\":\"x\\q\"}")).isEqualTo("not JSON: invalid escape '\\q' at byte 7");
        assertThat(error("{\"a\":\"x\ty\"}")).isEqualTo("not JSON: an unescaped control character (0x09) in a string at byte 7");
        assertThat(error("{\"a\" 1}")).isEqualTo("not JSON: unexpected character '1' (expected ':' after a field name) at byte 5");
        assertThat(error("{\"a\":1,}")).isEqualTo("not JSON: unexpected character '}' (expected a field name in double quotes) at byte 7");
        assertThat(error("[1,]")).isEqualTo("not JSON: unexpected character ']' (expected a value) at byte 3");
        assertThat(error("{\"a\":1}{}")).isEqualTo("not JSON: unexpected content after the object at byte 7");
        assertThat(error("{\u00e9:1}")).isEqualTo("not JSON: unexpected character U+00E9 (expected a field name in double quotes) at byte 1");
        assertThat(error("[\"1" + "2".repeat(10) + "]")).startsWith("not JSON: unterminated string at byte 1");
        assertThat(error("[" + "1".repeat(1001) + "]")).isEqualTo("not JSON: a number longer than 1000 characters at byte 1");
    }

    // --- the comparison -------------------------------------------------------------------------

    /** Compares the reader with Jackson on {@code bytes}; returns whether the reader accepted. */
    private static boolean compare(byte[] bytes) {
        List<String> mine = new ArrayList<>();
        String myError = read(bytes, mine);
        List<String> reference = new ArrayList<>();
        String jacksonError = jackson(bytes, reference);
        String shown = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!strictUtf8(bytes) || contains(bytes, (byte) 0)) {
            assertThat(myError).as("not strict UTF-8 (or NUL): %s", shown).isNotNull();
            return false;
        }
        if (jacksonError != null && jacksonError.startsWith("Invalid UTF-8: Illegal surrogate character")) {
            // Jackson refuses every escaped surrogate in a field name, even a well-formed pair
            // (see aFieldNameMaySpellACharacterOutsideTheBmpAsAnEscapedPair); nothing to compare.
            return myError == null;
        }
        if (jacksonError != null) {
            assertThat(myError).as("Jackson refused (%s): %s", jacksonError, shown).isNotNull();
            return false;
        }
        if (myError != null && myError.contains("a string with the unpaired surrogate")) {
            // Deliberate: Jackson hands such a string over; the lake could not store it as sent.
            return false;
        }
        assertThat(myError).as("Jackson accepted: %s", shown).isNull();
        assertThat(mine).as(shown).isEqualTo(reference);
        return true;
    }

    /** The reader's tokens as text into {@code out}; the error, or null. */
    private static String read(byte[] bytes, List<String> out) {
        JsonCursor c = new JsonCursor().reset(bytes);
        try {
            Token t;
            while ((t = c.next()) != null) {
                out.add(switch (t) {
                    case FIELD_NAME -> "name:" + c.text();
                    case STRING -> "string:" + c.text();
                    case NUMBER_INT, NUMBER_FLOAT -> "number:" + Double.doubleToRawLongBits(c.doubleValue());
                    default -> t.name();
                });
            }
            return null;
        } catch (JsonCursor.Malformed | JsonCursor.DuplicateKey e) {
            return e.getMessage();
        }
    }

    /** Jackson's tokens as the same text; the error, or null (more than one root value is an error). */
    private static String jackson(byte[] bytes, List<String> out) {
        try (JsonParser p = JACKSON.createParser(bytes)) {
            JsonToken t;
            int depth = 0;
            boolean rootDone = false;
            while ((t = p.nextToken()) != null) {
                if (rootDone) {
                    return "more than one root value";
                }
                out.add(switch (t) {
                    case FIELD_NAME -> "name:" + p.currentName();
                    case VALUE_STRING -> "string:" + p.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number:" + Double.doubleToRawLongBits(p.getDoubleValue());
                    case VALUE_TRUE -> "TRUE";
                    case VALUE_FALSE -> "FALSE";
                    case VALUE_NULL -> "NULL";
                    default -> t.name();
                });
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                rootDone = depth == 0;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    private static boolean strictUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }

    // --- generated documents --------------------------------------------------------------------

    private static void value(Random r, StringBuilder out, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0 -> {
                out.append('{').append(space(r));
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    out.append(i == 0 ? "" : ",").append(space(r));
                    // Names from a small pool, so repeats (duplicates) happen now and then.
                    string(r, out, NAMES[r.nextInt(NAMES.length)] + (r.nextInt(3) == 0 ? "" : Integer.toString(i)));
                    out.append(space(r)).append(':').append(space(r));
                    value(r, out, depth + 1);
                }
                out.append(space(r)).append('}');
            }
            case 1 -> {
                out.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    out.append(i == 0 ? "" : ",").append(space(r));
                    value(r, out, depth + 1);
                }
                out.append(']');
            }
            case 2 -> string(r, out, randomText(r));
            case 3 -> out.append(number(r));
            case 4 -> out.append(r.nextBoolean() ? "true" : "false");
            case 5 -> out.append("null");
            default -> out.append(r.nextInt(2000) - 1000);
        }
    }

    private static String space(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n";
            case 2 -> "\t\r\n ";
            default -> "";
        };
    }

    private static String number(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> Double.toString(r.nextGaussian() * 1000).replace("E", "e");
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "-0";
            case 3 -> "1e" + (r.nextInt(700) - 350);
            case 4 -> (r.nextBoolean() ? "-" : "") + "0.000" + r.nextInt(100000) + "E+" + r.nextInt(30);
            case 5 -> "123456789012345678901234567890";
            case 6 -> "47.600500000000004";
            default -> Integer.toString(r.nextInt(100));
        };
    }

    private static String randomText(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(10)) {
                case 0 -> s.append('\u00e9');
                case 1 -> s.append("\ud83d\ude97");
                case 2 -> s.append('"');
                case 3 -> s.append('\\');
                case 4 -> s.append('\n');
                case 5 -> s.append('\u20ac');
                default -> s.append((char) ('a' + r.nextInt(26)));
            }
        }
        return s.toString();
    }

    /** A JSON string literal for {@code text}, with escapes spelled several ways. */
    private static void string(Random r, StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append(r.nextBoolean() ? "\\n" : "\\u000a");
            } else if (r.nextInt(10) == 0) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static byte[] mutate(Random r, byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        int edits = 1 + r.nextInt(2);
        for (int e = 0; e < edits; e++) {
            int at = list.isEmpty() ? 0 : r.nextInt(list.size());
            byte with = r.nextInt(4) == 0 ? (byte) ODD_BYTES[r.nextInt(ODD_BYTES.length)] : INTERESTING[r.nextInt(INTERESTING.length)];
            switch (r.nextInt(3)) {
                case 0 -> list.add(at, with);
                case 1 -> {
                    if (!list.isEmpty()) {
                        list.remove(at);
                    }
                }
                default -> {
                    if (!list.isEmpty()) {
                        list.set(at, with);
                    }
                }
            }
        }
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    // --- helpers --------------------------------------------------------------------------------

    private static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i + 1 < digits.length() && digits.charAt(i) == '0' && Character.isDigit(digits.charAt(i + 1))) {
            i++;
        }
        return digits.substring(i);
    }

    private static long longOf(String number) {
        JsonCursor c = new JsonCursor().reset(("[" + number + "]").getBytes(StandardCharsets.US_ASCII));
        c.next();
        assertThat(c.next()).isEqualTo(Token.NUMBER_INT);
        return c.longValue();
    }

    private static int tokens(String json) {
        return drain(new JsonCursor().reset(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static int drain(JsonCursor c) {
        int n = 0;
        while (c.next() != null) {
            n++;
        }
        return n;
    }

    private static String error(String json) {
        try {
            tokens(json);
            return null;
        } catch (JsonCursor.Malformed e) {
            return e.getMessage();
        }
    }
}
