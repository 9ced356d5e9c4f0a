package io.cms.connectstore.telemetry;

import io.cms.connectstore.telemetry.JsonCursor.Token;
import io.cms.lambda.common.Printable;
import io.cms.lambda.common.Vin;
import io.cms.vss.Signal;
import io.cms.vss.SignalTree;
import io.cms.vss.VssCatalog;
import io.cms.vss.VssDatatype;
import io.cms.vss.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates what a vehicle publishes on {@code cms/data/{vin}[/...]} against the envelope rules and
 * the VSS catalog, in one pass over the bytes with {@link JsonCursor} (strict UTF-8 JSON, duplicate
 * names refused at any depth, field names matched against the catalog as bytes; no tree and no
 * string for a name is built for valid messages).
 *
 * <p>Envelope: a JSON object with {@code vin} (string), {@code timestamp} (epoch ms number or ISO
 * 8601 string; optional, the receive time when absent) and the signals as nested VSS branches under
 * {@code Vehicle}. Catalog signals are type- and range-checked; any other field is ignored here
 * (it stays in the raw copy). Stateless apart from its configuration; thread-safe.
 */
public final class TelemetryValidator {

    /** Default payload limit: the AWS IoT Core message size limit. */
    public static final int DEFAULT_MAX_BYTES = 128 * 1024;
    /** Default tolerance for vehicle clocks running ahead of ours. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    /** No telemetry is older than this; smaller values are usually seconds sent as milliseconds. */
    public static final long EARLIEST_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    private static final String TOPIC_PREFIX = "cms/data/";
    private static final String VIN_PATH = "Vehicle.VehicleIdentification.VIN";
    /** How much of a refused value a rejection message shows. */
    private static final int MAX_SHOWN = 40;
    /** Longest parser message a NOT_JSON detail carries (its input excerpt is at most MAX_SHOWN). */
    private static final int MAX_PARSER_MESSAGE = 200;
    private static final byte[] VIN_KEY = "vin".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP_KEY = "timestamp".getBytes(StandardCharsets.US_ASCII);

    private final VssCatalog catalog;
    private final SignalKeys root;
    private final int vinIndex;
    private final int maxBytes;
    private final long maxFutureSkewMs;
    /** One reader per thread, reused (it keeps its scratch tables between payloads). */
    private final ThreadLocal<JsonCursor> cursors = ThreadLocal.withInitial(JsonCursor::new);

    /** A validator with the default limits. */
    public TelemetryValidator(VssCatalog catalog) {
        this(catalog, DEFAULT_MAX_BYTES, DEFAULT_MAX_FUTURE_SKEW);
    }

    /**
     * @param catalog the signals to check
     * @param maxBytes largest accepted payload
     * @param maxFutureSkew how far past the receive time a timestamp may be
     */
    public TelemetryValidator(VssCatalog catalog, int maxBytes, Duration maxFutureSkew) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.catalog = catalog;
        this.root = new SignalKeys(catalog.tree());
        this.vinIndex = catalog.indexOf(VIN_PATH);
        this.maxBytes = maxBytes;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    public VssCatalog catalog() {
        return catalog;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Validates one message.
     *
     * @param topic the MQTT topic it was published on
     * @param payload the message bytes (UTF-8 JSON; other encodings are refused as NOT_JSON)
     * @param receivedAt receive time, epoch ms
     */
    public Verdict validate(String topic, byte[] payload, long receivedAt) {
        if (payload.length > maxBytes) {
            return new Verdict.Rejected(RejectReason.OVERSIZED,
                    "payload is " + payload.length + " bytes; the limit is " + maxBytes, false);
        }
        JsonCursor cursor = cursors.get();
        try {
            cursor.reset(payload);
            return new Verdict.Accepted(parse(topic, payload, receivedAt, cursor));
        } catch (Reject r) {
            return new Verdict.Rejected(r.reason, r.getMessage(), r.reason != RejectReason.NOT_JSON && wellFormed(cursor, payload));
        } catch (JsonCursor.DuplicateKey d) {
            return new Verdict.Rejected(RejectReason.DUPLICATE_KEY, "duplicate key '" + Printable.clip(d.name(), MAX_SHOWN)
                    + "' at byte " + d.offset(), wellFormed(cursor, payload));
        } catch (JsonCursor.Malformed m) {
            return new Verdict.Rejected(RejectReason.NOT_JSON, m.getMessage(), false);
        } finally {
            cursor.release();
        }
    }

    private Telemetry parse(String topic, byte[] payload, long receivedAt, JsonCursor p) {
        String topicVin = topicVin(topic);
        Object[] values = new Object[catalog.signals().size()];
        String vin = null;
        Token timestampToken = null;
        String timestampText = null;
        double timestampNumber = 0;
        if (p.next() != Token.START_OBJECT) {
            throw new Reject(RejectReason.NOT_AN_OBJECT, "the payload must be a JSON object");
        }
        p.checkNamesByCaller();
        long seen = 0;
        Token t;
        while ((t = p.next()) == Token.FIELD_NAME) {
            if (p.nameIs(VIN_KEY)) {
                p.requireNewName();
                if (p.next() != Token.STRING) {
                    throw new Reject(RejectReason.INVALID_VIN, "vin must be a string");
                }
                vin = p.text();
            } else if (p.nameIs(TIMESTAMP_KEY)) {
                p.requireNewName();
                timestampToken = p.next();
                if (timestampToken == Token.STRING) {
                    timestampText = p.text();
                } else if (timestampToken == Token.NUMBER_INT || timestampToken == Token.NUMBER_FLOAT) {
                    timestampNumber = p.doubleValue();
                } else if (timestampToken != Token.NULL) {
                    throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp must be epoch milliseconds or an ISO 8601 string");
                }
            } else {
                SignalKeys node = root.child(p);
                seen = checkName(p, node, seen);
                Token value = p.next();
                if (node == null) {
                    p.skipChildren(value);
                } else {
                    readBranch(p, value, node, values);
                }
            }
        }
        if (t != Token.END_OBJECT || p.next() != null) {
            throw new JsonCursor.Malformed("not JSON: unexpected content after the object at byte " + p.offset());
        }
        String bodyVin = vinIndex < 0 ? null : (String) values[vinIndex];
        if (vin == null) {
            vin = bodyVin;
        }
        if (vin == null) {
            throw new Reject(RejectReason.NO_VIN, "no vin: set 'vin' (or " + VIN_PATH + ")");
        }
        if (!Vin.isValid(vin)) {
            throw new Reject(RejectReason.INVALID_VIN, "vin '" + Printable.clip(vin, MAX_SHOWN)
                    + "' is not 17 upper-case letters and digits without I, O, Q");
        }
        if (!vin.equals(topicVin)) {
            throw new Reject(RejectReason.VIN_MISMATCH, "vin " + vin + " was published on the topic of "
                    + Printable.clip(topicVin, MAX_SHOWN));
        }
        if (bodyVin != null && !bodyVin.equals(vin)) {
            throw new Reject(RejectReason.VIN_MISMATCH, VIN_PATH + " " + Printable.clip(bodyVin, MAX_SHOWN) + " differs from vin " + vin);
        }
        long ts = timestamp(timestampToken, timestampText, timestampNumber, receivedAt);
        return new Telemetry(topic, vin, ts, receivedAt, values, !p.sawLineBreak());
    }

    private static String topicVin(String topic) {
        if (topic == null || !topic.startsWith(TOPIC_PREFIX)) {
            throw new Reject(RejectReason.BAD_TOPIC, "topic '" + Printable.clip(topic, MAX_SHOWN) + "' is not cms/data/{vin}[/...]");
        }
        requireWellFormed(topic);
        int end = topic.indexOf('/', TOPIC_PREFIX.length());
        String vin = topic.substring(TOPIC_PREFIX.length(), end < 0 ? topic.length() : end);
        if (vin.isEmpty()) {
            throw new Reject(RejectReason.BAD_TOPIC, "topic '" + Printable.clip(topic, MAX_SHOWN) + "' has no VIN after cms/data/");
        }
        return vin;
    }

    /**
     * An MQTT topic is UTF-8, so it cannot hold an unpaired surrogate; one given directly would make
     * the raw line (which carries the topic) impossible to write.
     */
    private static void requireWellFormed(String topic) {
        if (Utf8.unpairedSurrogate(topic) >= 0) {
            throw new Reject(RejectReason.BAD_TOPIC, "topic '" + Printable.clip(topic, MAX_SHOWN)
                    + "' holds an unpaired surrogate (not UTF-8)");
        }
    }

    private long timestamp(Token token, String text, double number, long receivedAt) {
        long ts;
        if (token == null || token == Token.NULL) {
            return receivedAt;
        } else if (token == Token.STRING) {
            try {
                ts = OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp '" + Printable.clip(text, MAX_SHOWN)
                        + "' is not ISO 8601 with an offset (2026-11-22T07:30:00Z)");
            }
        } else {
            if (number != Math.rint(number) || Math.abs(number) > 9.0e15) {
                throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp " + number + " is not whole epoch milliseconds");
            }
            ts = (long) number;
        }
        if (ts < EARLIEST_TIMESTAMP) {
            throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp " + Instant.ofEpochMilli(ts)
                    + " is before 2000 (seconds sent as milliseconds?)");
        }
        if (ts > receivedAt + maxFutureSkewMs) {
            throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp " + Instant.ofEpochMilli(ts) + " is more than "
                    + maxFutureSkewMs / 1000 + " s after the receive time " + Instant.ofEpochMilli(receivedAt));
        }
        return ts;
    }

    /** Reads the object at {@code node} (a branch); {@code token} is its first token. */
    private void readBranch(JsonCursor p, Token token, SignalKeys keys, Object[] values) {
        SignalTree node = keys.node();
        if (node.isLeaf()) {
            values[node.index()] = readLeaf(p, token, node.signal());
            return;
        }
        if (token == Token.NULL) {
            return;
        }
        if (token != Token.START_OBJECT) {
            throw new Reject(RejectReason.WRONG_TYPE, node.path() + " is a VSS branch and must be an object, got " + describe(token));
        }
        p.checkNamesByCaller();
        long seen = 0;
        while (p.next() == Token.FIELD_NAME) {
            SignalKeys child = keys.child(p);
            seen = checkName(p, child, seen);
            Token value = p.next();
            if (child == null) {
                p.skipChildren(value);
            } else {
                readBranch(p, value, child, values);
            }
        }
    }

    /**
     * Refuses a repeated name in an object whose names the validator checks (see
     * {@link JsonCursor#checkNamesByCaller()}): a catalog child by its bit in {@code seen}, any
     * other name by the cursor. Returns {@code seen} with the name's bit.
     */
    private static long checkName(JsonCursor p, SignalKeys child, long seen) {
        long bit = child == null ? 0 : child.bit();
        if (bit == 0) {
            p.requireNewName();
        } else if ((seen & bit) != 0) {
            throw p.duplicateName();
        }
        return seen | bit;
    }

    private static Object readLeaf(JsonCursor p, Token token, Signal signal) {
        if (token == Token.NULL) {
            return null;
        }
        VssDatatype type = signal.datatype();
        switch (type.kind()) {
            case BOOLEAN -> {
                if (token == Token.TRUE || token == Token.FALSE) {
                    return token == Token.TRUE;
                }
            }
            case STRING -> {
                if (token == Token.STRING) {
                    String s = p.text();
                    check(signal.checkString(s));
                    return s;
                }
            }
            case STRING_ARRAY -> {
                if (token == Token.START_ARRAY) {
                    List<String> list = new ArrayList<>();
                    Token e;
                    while ((e = p.next()) != Token.END_ARRAY) {
                        if (e != Token.STRING) {
                            throw new Reject(RejectReason.WRONG_TYPE, signal.path() + " must be string[], got an array holding " + describe(e));
                        }
                        String s = p.text();
                        check(signal.checkString(s));
                        list.add(s);
                    }
                    return List.copyOf(list);
                }
            }
            default -> {
                if (token == Token.NUMBER_INT || token == Token.NUMBER_FLOAT) {
                    double d = p.doubleValue();
                    check(signal.checkNumber(d));
                    return switch (type) {
                        case FLOAT -> (float) d;
                        case DOUBLE -> d;
                        case UINT32, INT64 -> token == Token.NUMBER_INT ? exactLong(p, signal) : (long) d;
                        default -> (int) d;
                    };
                }
            }
        }
        throw new Reject(RejectReason.WRONG_TYPE, signal.path() + " must be " + type.vssName() + ", got " + describe(token));
    }

    private static void check(Optional<Violation> violation) {
        if (violation.isPresent()) {
            Violation v = violation.get();
            throw new Reject(v.kind() == Violation.Kind.WRONG_TYPE ? RejectReason.WRONG_TYPE : RejectReason.OUT_OF_RANGE, v.message());
        }
    }

    /**
     * Whether a refused payload may be embedded in its quarantine record as it is: read again to
     * its end (the first reading may have stopped early) by the same strict reader, repeated names
     * allowed (they are JSON).
     */
    private static boolean wellFormed(JsonCursor cursor, byte[] payload) {
        try {
            cursor.reset(payload, true);
            if (cursor.next() == null) {
                return false;
            }
            while (cursor.next() != null) {
                // Every byte is checked on the way.
            }
            return true;
        } catch (JsonCursor.Malformed e) {
            return false;
        }
    }

    /** An integer within the signal's range that may still not fit a long (just above 2^63 - 1). */
    private static long exactLong(JsonCursor p, Signal signal) {
        try {
            return p.longValue();
        } catch (NumberFormatException e) {
            throw new Reject(RejectReason.OUT_OF_RANGE, signal.path() + " is outside the range of " + signal.datatype().vssName());
        }
    }

    private static String describe(Token token) {
        return switch (token) {
            case STRING -> "a string";
            case NUMBER_INT, NUMBER_FLOAT -> "a number";
            case TRUE, FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> String.valueOf(token);
        };
    }

    /** A rejection found mid-parse; carries no stack trace (rejections are expected, not bugs). */
    private static final class Reject extends RuntimeException {
        private final RejectReason reason;

        Reject(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
