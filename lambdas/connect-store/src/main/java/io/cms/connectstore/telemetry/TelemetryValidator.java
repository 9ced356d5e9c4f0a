package io.cms.connectstore.telemetry;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.cms.lambda.common.Printable;
import io.cms.lambda.common.Vin;
import io.cms.vss.Signal;
import io.cms.vss.SignalTree;
import io.cms.vss.VssCatalog;
import io.cms.vss.VssDatatype;
import io.cms.vss.Violation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates what a vehicle publishes on {@code cms/data/{vin}[/...]} against the envelope rules and
 * the VSS catalog, in one streaming pass over the bytes (no tree is built for valid messages).
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
    /** How Jackson's STRICT_DUPLICATE_DETECTION message starts (then the name and a quote). */
    private static final String DUPLICATE = "Duplicate field '";

    private final VssCatalog catalog;
    private final SignalTree root;
    private final int vinIndex;
    private final int maxBytes;
    private final long maxFutureSkewMs;
    // Own factory: the fast (exact) double parser roughly halves the cost of numeric signals.
    private final JsonFactory factory = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            // A duplicate key would let the value checked here differ from the one a reader of
            // the raw copy takes (the first vin, say, while the last one matched the topic).
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .errorReportConfiguration(ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(MAX_SHOWN).maxRawContentLength(MAX_SHOWN).build())
            .build();

    /** For {@link #wellFormed}: duplicate keys are well-formed JSON. */
    private final JsonFactory lenient = JsonFactory.builder().build();

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
        this.root = catalog.tree();
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
        String notUtf8 = Utf8.problem(payload);
        if (notUtf8 != null) {
            return new Verdict.Rejected(RejectReason.NOT_JSON, notUtf8, false);
        }
        try {
            return new Verdict.Accepted(parse(topic, payload, receivedAt));
        } catch (Reject r) {
            return new Verdict.Rejected(r.reason, r.getMessage(), r.reason != RejectReason.NOT_JSON && wellFormed(payload));
        } catch (JsonProcessingException e) {
            String message = String.valueOf(e.getOriginalMessage());
            if (message.startsWith(DUPLICATE)) {
                return new Verdict.Rejected(RejectReason.DUPLICATE_KEY, "duplicate key '"
                        + Printable.clip(message.substring(DUPLICATE.length(), message.length() - 1), MAX_SHOWN)
                        + "' at byte " + e.getLocation().getByteOffset(), wellFormed(payload));
            }
            return new Verdict.Rejected(RejectReason.NOT_JSON, "not JSON: " + Printable.clip(e.getOriginalMessage(), MAX_PARSER_MESSAGE)
                    + " at byte " + e.getLocation().getByteOffset(), false);
        } catch (IOException e) {
            return new Verdict.Rejected(RejectReason.NOT_JSON, "not JSON: " + Printable.clip(e.getMessage(), MAX_PARSER_MESSAGE), false);
        }
    }

    private Telemetry parse(String topic, byte[] payload, long receivedAt) throws IOException {
        String topicVin = topicVin(topic);
        Object[] values = new Object[catalog.signals().size()];
        String vin = null;
        JsonToken timestampToken = null;
        int lines;
        String timestampText = null;
        double timestampNumber = 0;
        try (JsonParser p = factory.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Reject(RejectReason.NOT_AN_OBJECT, "the payload must be a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "vin" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new Reject(RejectReason.INVALID_VIN, "vin must be a string");
                        }
                        vin = p.getText();
                    }
                    case "timestamp" -> {
                        timestampToken = value;
                        if (value == JsonToken.VALUE_STRING) {
                            timestampText = p.getText();
                        } else if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                            timestampNumber = p.getDoubleValue();
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw new Reject(RejectReason.BAD_TIMESTAMP, "timestamp must be epoch milliseconds or an ISO 8601 string");
                        }
                    }
                    default -> {
                        SignalTree node = root.child(name);
                        if (node == null) {
                            p.skipChildren();
                        } else {
                            readBranch(p, value, node, values);
                        }
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new Reject(RejectReason.NOT_JSON, "not JSON: unexpected content after the object");
            }
            // The parser counts every CR and LF outside strings (inside, JSON forbids them raw).
            lines = p.currentLocation().getLineNr();
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
        boolean singleLine = lines == 1 && (payload.length == 0 || (payload[0] & 0xff) != 0xEF);
        return new Telemetry(topic, vin, ts, receivedAt, values, singleLine);
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
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < topic.length() && Character.isLowSurrogate(topic.charAt(i + 1))) {
                i++;
            } else {
                throw new Reject(RejectReason.BAD_TOPIC, "topic '" + Printable.clip(topic, MAX_SHOWN)
                        + "' holds an unpaired surrogate (not UTF-8)");
            }
        }
    }

    private long timestamp(JsonToken token, String text, double number, long receivedAt) {
        long ts;
        if (token == null || token == JsonToken.VALUE_NULL) {
            return receivedAt;
        } else if (token == JsonToken.VALUE_STRING) {
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
    private void readBranch(JsonParser p, JsonToken token, SignalTree node, Object[] values) throws IOException {
        if (node.isLeaf()) {
            values[node.index()] = readLeaf(p, token, node.signal());
            return;
        }
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new Reject(RejectReason.WRONG_TYPE, node.path() + " is a VSS branch and must be an object, got " + describe(token));
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            SignalTree child = node.child(name);
            if (child == null) {
                p.skipChildren();
            } else {
                readBranch(p, value, child, values);
            }
        }
    }

    private static Object readLeaf(JsonParser p, JsonToken token, Signal signal) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        VssDatatype type = signal.datatype();
        switch (type.kind()) {
            case BOOLEAN -> {
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    return token == JsonToken.VALUE_TRUE;
                }
            }
            case STRING -> {
                if (token == JsonToken.VALUE_STRING) {
                    String s = p.getText();
                    check(signal.checkString(s));
                    return s;
                }
            }
            case STRING_ARRAY -> {
                if (token == JsonToken.START_ARRAY) {
                    List<String> list = new ArrayList<>();
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (e != JsonToken.VALUE_STRING) {
                            p.skipChildren();
                            throw new Reject(RejectReason.WRONG_TYPE, signal.path() + " must be string[], got an array holding " + describe(e));
                        }
                        String s = p.getText();
                        check(signal.checkString(s));
                        list.add(s);
                    }
                    return List.copyOf(list);
                }
            }
            default -> {
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    double d = p.getDoubleValue();
                    check(signal.checkNumber(d));
                    return switch (type) {
                        case FLOAT -> (float) d;
                        case DOUBLE -> d;
                        case UINT32, INT64 -> token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : (long) d;
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

    private boolean wellFormed(byte[] payload) {
        try (JsonParser p = lenient.createParser(payload)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
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
