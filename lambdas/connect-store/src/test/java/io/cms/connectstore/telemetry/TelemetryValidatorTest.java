package io.cms.connectstore.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.testutils.Payloads;
import io.cms.vss.VssCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryValidatorTest {

    static final VssCatalog CATALOG = VssCatalog.load();
    static final TelemetryValidator VALIDATOR = new TelemetryValidator(CATALOG);
    static final String VIN = Payloads.vin(1);
    static final String TOPIC = Payloads.topic(VIN);
    static final long NOW = Instant.parse("2026-11-22T07:30:00Z").toEpochMilli();

    static Verdict validate(String topic, String payload) {
        return VALIDATOR.validate(topic, payload.getBytes(StandardCharsets.UTF_8), NOW);
    }

    static Verdict validate(ObjectNode payload) {
        return VALIDATOR.validate(TOPIC, Payloads.bytes(payload), NOW);
    }

    static Verdict.Rejected rejected(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Rejected.class);
        return (Verdict.Rejected) v;
    }

    static Telemetry accepted(Verdict v) {
        assertThat(v).isInstanceOf(Verdict.Accepted.class);
        return ((Verdict.Accepted) v).telemetry();
    }

    @Test
    void acceptsCompleteMessageWithTypedValues() {
        Telemetry t = accepted(validate(Payloads.full(VIN, NOW - 1000, 42)));
        assertThat(t.vin()).isEqualTo(VIN);
        assertThat(t.timestamp()).isEqualTo(NOW - 1000);
        assertThat(t.receivedAt()).isEqualTo(NOW);
        assertThat(t.reported()).isEqualTo(CATALOG.signals().size());
        assertThat(t.value(CATALOG.indexOf("Vehicle.Speed"))).isEqualTo(4.2f);
        assertThat(t.value(CATALOG.indexOf("Vehicle.CurrentLocation.Latitude"))).isEqualTo(47.6042);
        assertThat(t.value(CATALOG.indexOf("Vehicle.Powertrain.Range"))).isEqualTo(300042L);
        assertThat(t.value(CATALOG.indexOf("Vehicle.VehicleIdentification.Year"))).isEqualTo(2020);
        assertThat(t.value(CATALOG.indexOf("Vehicle.OBD.DTCList"))).isEqualTo(List.of("P0A80", "U0100"));
        assertThat(t.value(CATALOG.indexOf("Vehicle.IsMoving"))).isEqualTo(true);
    }

    @Test
    void compactPayloadIsSingleLine() {
        assertThat(accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":1.5}}")).singleLine()).isTrue();
    }

    @Test
    void payloadWithALineBreakOutsideStringsIsNotSingleLine() {
        for (String br : new String[] {"\n", "\r", "\r\n"}) {
            String payload = "{\"vin\":\"" + VIN + "\"," + br + "\"Vehicle\":{\"Speed\":1.5}}";
            assertThat(accepted(validate(TOPIC, payload)).singleLine()).as("break %s", br.replace("\r", "CR").replace("\n", "LF")).isFalse();
        }
        assertThat(accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\"}\n")).singleLine()).as("trailing LF").isFalse();
    }

    @Test
    void payloadWithAByteOrderMarkIsNotSingleLine() {
        assertThat(accepted(validate(TOPIC, "\uFEFF{\"vin\":\"" + VIN + "\"}")).singleLine()).isFalse();
    }

    @Test
    void acceptsIsoTimestamp() {
        Telemetry t = accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"timestamp\":\"2026-11-22T07:29:00.5Z\"}"));
        assertThat(t.timestamp()).isEqualTo(Instant.parse("2026-11-22T07:29:00.500Z").toEpochMilli());
    }

    @Test
    void missingTimestampMeansReceiveTime() {
        assertThat(accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\"}")).timestamp()).isEqualTo(NOW);
    }

    @Test
    void takesVinFromBodyWhenEnvelopeHasNone() {
        Telemetry t = accepted(validate(TOPIC, "{\"Vehicle\":{\"VehicleIdentification\":{\"VIN\":\"" + VIN + "\"}}}"));
        assertThat(t.vin()).isEqualTo(VIN);
    }

    @Test
    void ignoresFieldsOutsideTheCatalog() {
        Telemetry t = accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"extra\":[1,{\"a\":2}],"
                + "\"Vehicle\":{\"Cabin\":{\"Door\":{\"IsOpen\":true}},\"Speed\":10}}"));
        assertThat(t.reported()).isEqualTo(1);
    }

    @Test
    void nullSignalIsNotReported() {
        Telemetry t = accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":null}}"));
        assertThat(t.reported()).isZero();
    }

    @Test
    void acceptsTopicWithoutSuffix() {
        accepted(validate("cms/data/" + VIN, "{\"vin\":\"" + VIN + "\"}"));
    }

    @Test
    void rejectsNonJson() {
        Verdict.Rejected r = rejected(validate(TOPIC, "speed=42"));
        assertThat(r.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(r.wellFormedJson()).isFalse();
    }

    @Test
    void rejectsTruncatedJson() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{")).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void rejectsTrailingGarbage() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\"} x")).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void rejectsJsonArray() {
        Verdict.Rejected r = rejected(validate(TOPIC, "[1,2]"));
        assertThat(r.reason()).isEqualTo(RejectReason.NOT_AN_OBJECT);
        assertThat(r.wellFormedJson()).isTrue();
    }

    @Test
    void rejectsMissingVin() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"Vehicle\":{\"Speed\":1}}"));
        assertThat(r.reason()).isEqualTo(RejectReason.NO_VIN);
        assertThat(r.detail()).isEqualTo("no vin: set 'vin' (or Vehicle.VehicleIdentification.VIN)");
    }

    @Test
    void rejectsMalformedVin() {
        assertThat(rejected(validate("cms/data/abc", "{\"vin\":\"abc\"}")).reason()).isEqualTo(RejectReason.INVALID_VIN);
    }

    @Test
    void aRefusedValueIsShownClippedAndPrintable() {
        String topic = "cms/other/" + "x".repeat(50) + "\n";
        Verdict.Rejected r = rejected(validate(topic, "{\"vin\":\"" + VIN + "\"}"));
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_TOPIC);
        assertThat(r.detail()).isEqualTo("topic 'cms/other/" + "x".repeat(30) + "...' is not cms/data/{vin}[/...]");
        Verdict.Rejected v = rejected(validate(TOPIC, "{\"vin\":\"AB\\u0007C\"}"));
        assertThat(v.detail()).startsWith("vin 'AB?C' is not 17");
    }

    @Test
    void rejectsVinOfAnotherVehiclesTopic() {
        Verdict.Rejected r = rejected(validate(Payloads.topic(Payloads.vin(2)), "{\"vin\":\"" + VIN + "\"}"));
        assertThat(r.reason()).isEqualTo(RejectReason.VIN_MISMATCH);
        assertThat(r.detail()).contains(VIN).contains(Payloads.vin(2));
    }

    @Test
    void rejectsBodyVinDifferentFromEnvelope() {
        ObjectNode m = Payloads.full(VIN, NOW, 1);
        ((ObjectNode) m.get("Vehicle").get("VehicleIdentification")).put("VIN", Payloads.vin(3));
        assertThat(rejected(validate(m)).reason()).isEqualTo(RejectReason.VIN_MISMATCH);
    }

    @Test
    void rejectsTopicOutsideCmsData() {
        assertThat(rejected(validate("vehicle/" + VIN, "{\"vin\":\"" + VIN + "\"}")).reason()).isEqualTo(RejectReason.BAD_TOPIC);
    }

    @Test
    void rejectsTopicWithEmptyVinSegment() {
        assertThat(rejected(validate("cms/data//x", "{\"vin\":\"" + VIN + "\"}")).reason()).isEqualTo(RejectReason.BAD_TOPIC);
    }

    @Test
    void rejectsStringForSpeed() {
        ObjectNode m = Payloads.full(VIN, NOW, 1);
        ((ObjectNode) m.get("Vehicle")).put("Speed", "fast");
        Verdict.Rejected r = rejected(validate(m));
        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(r.detail()).isEqualTo("Vehicle.Speed must be float, got a string");
        assertThat(r.wellFormedJson()).isTrue();
    }

    @Test
    void rejectsScalarWhereBranchIsExpected() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"CurrentLocation\":5}}"));
        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(r.detail()).contains("Vehicle.CurrentLocation is a VSS branch");
    }

    @Test
    void rejectsFractionalTirePressure() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN
                + "\",\"Vehicle\":{\"Chassis\":{\"Axle\":{\"Row1\":{\"Wheel\":{\"Left\":{\"Tire\":{\"Pressure\":240.5}}}}}}}}"));
        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
    }

    @Test
    void rejectsNumberInDtcList() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"OBD\":{\"DTCList\":[\"P0A80\",3]}}}")).reason())
                .isEqualTo(RejectReason.WRONG_TYPE);
    }

    @Test
    void rejectsStateOfChargeAbove100() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN
                + "\",\"Vehicle\":{\"Powertrain\":{\"TractionBattery\":{\"StateOfCharge\":{\"Current\":101}}}}}"));
        assertThat(r.reason()).isEqualTo(RejectReason.OUT_OF_RANGE);
        assertThat(r.detail()).contains("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current = 101");
    }

    @Test
    void rejectsUnknownLowVoltageState() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"LowVoltageSystemState\":\"RUNNING\"}}")).reason())
                .isEqualTo(RejectReason.OUT_OF_RANGE);
    }

    @Test
    void rejectsOversizedWithoutParsing() {
        byte[] big = new byte[TelemetryValidator.DEFAULT_MAX_BYTES + 1];
        Verdict.Rejected r = rejected(VALIDATOR.validate(TOPIC, big, NOW));
        assertThat(r.reason()).isEqualTo(RejectReason.OVERSIZED);
        assertThat(r.detail()).isEqualTo("payload is 131073 bytes; the limit is 131072");
    }

    @Test
    void sizeLimitIsConfigurable() {
        TelemetryValidator small = new TelemetryValidator(CATALOG, 16, Duration.ofMinutes(5));
        String payload = "{\"vin\":\"" + VIN + "\"}";
        assertThat(rejected(small.validate(TOPIC, payload.getBytes(StandardCharsets.UTF_8), NOW)).reason())
                .isEqualTo(RejectReason.OVERSIZED);
    }

    @Test
    void rejectsTimestampInSeconds() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"timestamp\":" + NOW / 1000 + "}"));
        assertThat(r.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
        assertThat(r.detail()).contains("seconds sent as milliseconds");
    }

    @Test
    void rejectsTimestampFromTheFuture() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"timestamp\":" + (NOW + 600_000) + "}")).reason())
                .isEqualTo(RejectReason.BAD_TIMESTAMP);
    }

    @Test
    void rejectsTimestampWithoutOffset() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"timestamp\":\"2026-11-22T07:00:00\"}")).reason())
                .isEqualTo(RejectReason.BAD_TIMESTAMP);
    }

    @Test
    void rejectsBooleanTimestamp() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"timestamp\":true}")).reason())
                .isEqualTo(RejectReason.BAD_TIMESTAMP);
    }

    @Test
    void rejectsNumericVin() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":12345}")).reason()).isEqualTo(RejectReason.INVALID_VIN);
    }

    @Test
    void wrongTypeInBrokenJsonIsNotEmbeddable() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":\"x\"}, oops"));
        assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
        assertThat(r.wellFormedJson()).isFalse();
    }

    @Test
    void refusesNonPositiveSizeLimit() {
        assertThatThrownBy(() -> new TelemetryValidator(CATALOG, 0, Duration.ZERO)).hasMessageContaining("maxBytes");
    }

    static byte[] withBytes(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    @Test
    void rejectsInvalidUtf8EvenInAFieldItSkips() {
        byte[][] bad = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC3, 0x28}, {(byte) 0xFF},
            {(byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        for (byte[] b : bad) {
            for (String field : new String[] {"note", "Vehicle\":{\"VehicleIdentification\":{\"Brand"}) {
                byte[] payload = withBytes("{\"vin\":\"" + VIN + "\",\n\"" + field + "\":\"", b, "\"}" + (field.equals("note") ? "" : "}}"));
                Verdict.Rejected r = rejected(VALIDATOR.validate(TOPIC, payload, NOW));
                assertThat(r.reason()).as("%02x in %s", b[0], field).isEqualTo(RejectReason.NOT_JSON);
                assertThat(r.wellFormedJson()).isFalse();
            }
        }
        Verdict.Rejected r = rejected(VALIDATOR.validate(TOPIC, withBytes("{\"vin\":\"" + VIN + "\",\"x\":\"",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"), NOW));
        assertThat(r.detail()).isEqualTo("not JSON: invalid UTF-8 at byte " + (17 + 15) + "; only UTF-8 is accepted");
    }

    @Test
    void acceptsMultiByteUtf8() {
        Telemetry t = accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"n\":\"\u00e9\u20ac\ud83d\ude97\","
                + "\"Vehicle\":{\"VehicleIdentification\":{\"Brand\":\"M\u00f6t\u00f6r \ud83d\ude97 \u0a41\"}}}"));
        assertThat(t.value(CATALOG.indexOf("Vehicle.VehicleIdentification.Brand"))).isEqualTo("M\u00f6t\u00f6r \ud83d\ude97 \u0a41");
    }

    @Test
    void acceptsOnlyUtf8() {
        String body = "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":42.5}}";
        for (java.nio.charset.Charset cs : new java.nio.charset.Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16, java.nio.charset.Charset.forName("UTF-32BE"), java.nio.charset.Charset.forName("UTF-32LE")}) {
            for (String prefix : new String[] {"", "\uFEFF"}) {
                Verdict.Rejected r = rejected(VALIDATOR.validate(TOPIC, (prefix + body).getBytes(cs), NOW));
                assertThat(r.reason()).as("%s bom=%s", cs, !prefix.isEmpty()).isEqualTo(RejectReason.NOT_JSON);
                assertThat(r.detail()).as("%s", cs).contains("only UTF-8 is accepted");
            }
        }
        assertThat(rejected(VALIDATOR.validate(TOPIC, body.getBytes(StandardCharsets.UTF_16LE), NOW)).detail())
                .isEqualTo("not JSON: a NUL byte at byte 1 (UTF-16 or UTF-32?); only UTF-8 is accepted");
        assertThat(rejected(VALIDATOR.validate(TOPIC, body.getBytes(StandardCharsets.UTF_16), NOW)).detail())
                .isEqualTo("not JSON: starts with a UTF-16 or UTF-32 byte order mark; only UTF-8 is accepted");
    }

    @Test
    void notJsonDetailEchoesAtMost40CharactersOfInput() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\": secret" + "X".repeat(300) + "\u0001}"));
        assertThat(r.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(r.detail()).contains("secret").doesNotContain("X".repeat(35)).matches("[\\x20-\\x7e]*");
    }

    @Test
    void rejectsDuplicateKeysAtAnyDepthAsEmbeddableJson() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"WVWZZZ1JZXW000001\",\"vin\":\"" + VIN + "\"}"));
        assertThat(r.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(r.detail()).isEqualTo("duplicate key 'vin' at byte 32");
        assertThat(r.wellFormedJson()).isTrue();
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"x\":{\"a\":[{\"b\":1,\"b\":2}]}}")).reason())
                .isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":1,\"Speed\":2}}")).reason())
                .isEqualTo(RejectReason.DUPLICATE_KEY);
    }

    @Test
    void duplicateNamesAreRefusedAsTheReaderRefusesThemWhetherTheValidatorReadsOrSkipsTheObject() {
        String start = "{\"vin\":\"" + VIN + "\",";
        assertThat(rejected(validate(TOPIC, start + "\"Vehicle\":{\"Speed\":1,\"Sp\\u0065ed\":2}}")).detail())
                .as("a catalog name and an escaped spelling of it").isEqualTo("duplicate key 'Speed' at byte 60");
        String[][] cases = {
            {"Speed", "\"Vehicle\":{\"Speed\":1,\"Sp\\u0065ed\":2}}"},
            {"CurrentLocation", "\"Vehicle\":{\"CurrentLocation\":{},\"Speed\":1,\"CurrentLocation\":null}}"},
            {"Vehicle", "\"Vehicle\":{},\"Veh\\u0069cle\":{}}"},
            {"timestamp", "\"timestamp\":1,\"tim\\u0065stamp\":2}"},
            {"Foo", "\"Vehicle\":{\"Foo\":1,\"Speed\":2,\"Foo\":3}}"},
            {"Foo", "\"Vehicle\":{\"Foo\":1,\"F\\u006Fo\":2}}"},
            {"a", "\"Vehicle\":{\"Unknown\":{\"a\":1,\"a\":2}}}"},
            {"Speed", "\"Vehicle\":{\"Unknown\":{\"Speed\":1,\"Speed\":2}}}"},
            {"b", "\"Vehicle\":{\"Unknown\":[1,{\"b\":1,\"b\":2}]}}"},
            {"Latitude", "\"Vehicle\":{\"CurrentLocation\":{\"Latitude\":1,\"Latitude\":2}}}"},
        };
        for (String[] c : cases) {
            byte[] payload = (start + c[1]).getBytes(StandardCharsets.UTF_8);
            Verdict.Rejected r = rejected(VALIDATOR.validate(TOPIC, payload, NOW));
            assertThat(r.reason()).as(c[1]).isEqualTo(RejectReason.DUPLICATE_KEY);
            assertThat(r.detail()).as("as the reader alone says it: %s", c[1])
                    .isEqualTo("duplicate key '" + c[0] + "' at byte " + readerDuplicateAt(payload));
            assertThat(r.wellFormedJson()).isTrue();
        }
        // A repeat is refused before what follows it is read, as the reader alone does.
        for (String name : new String[] {"Speed", "Foo"}) {
            Verdict.Rejected r = rejected(validate(TOPIC, start + "\"Vehicle\":{\"" + name + "\":1,\"" + name + "\" 2}}"));
            assertThat(r.reason()).as(name).isEqualTo(RejectReason.DUPLICATE_KEY);
            assertThat(r.wellFormedJson()).isFalse();
        }
        // The same name in different objects is no repeat, wherever it is checked.
        Telemetry t = accepted(validate(TOPIC, start + "\"Vehicle\":{\"Foo\":1,\"CurrentLocation\":{\"Foo\":2,\"Speed\":3,"
                + "\"Latitude\":4},\"Speed\":5,\"x\":{\"Speed\":6,\"Foo\":7},\"Bar\":8,\"Powertrain\":{\"Range\":9,"
                + "\"TractionBattery\":{\"Range\":10}}}}"));
        assertThat(t.value(CATALOG.indexOf("Vehicle.Speed"))).isEqualTo(5.0f);
        assertThat(t.value(CATALOG.indexOf("Vehicle.CurrentLocation.Latitude"))).isEqualTo(4.0);
        assertThat(t.value(CATALOG.indexOf("Vehicle.Powertrain.TractionBattery.Range"))).isEqualTo(10L);
    }

    /**
     * A branch with more than 64 children: the children past the 64th have no bit and are checked
     * by the reader's name set, in the same object as the ones checked by bit.
     */
    @Test
    void aBranchWithMoreThan64ChildrenRefusesRepeatsOnBothSidesOfThe64th() throws Exception {
        StringBuilder signals = new StringBuilder("{\"vssVersion\":\"4.0\",\"signals\":[");
        signals.append("{\"path\":\"Vehicle.VehicleIdentification.VIN\",\"datatype\":\"string\",\"description\":\"VIN.\"}");
        for (int i = 0; i < 70; i++) {
            signals.append(",{\"path\":\"Vehicle.Wide.S").append(i).append("\",\"datatype\":\"int32\",\"description\":\"s.\"}");
        }
        VssCatalog wide = VssCatalog.parse(new java.io.ByteArrayInputStream(signals.append("]}").toString()
                .getBytes(StandardCharsets.UTF_8)));
        TelemetryValidator validator = new TelemetryValidator(wide);
        String start = "{\"vin\":\"" + VIN + "\",\"timestamp\":" + (NOW - 1000) + ",\"Vehicle\":{\"Wide\":{";
        for (String body : new String[] {"\"S1\":1,\"S69\":2,\"S1\":3}}}", "\"S69\":1,\"S1\":2,\"S\\u00369\":3}}}",
            "\"S68\":1,\"S69\":2,\"x\":3,\"S68\":4}}}"}) {
            byte[] payload = (start + body).getBytes(StandardCharsets.UTF_8);
            Verdict.Rejected r = rejected(validator.validate(TOPIC, payload, NOW));
            assertThat(r.reason()).as(body).isEqualTo(RejectReason.DUPLICATE_KEY);
            assertThat(r.detail()).as(body).endsWith("at byte " + readerDuplicateAt(payload));
        }
        Telemetry t = accepted(validator.validate(TOPIC, (start + "\"S0\":0,\"S63\":63,\"S64\":64,\"S69\":69}}}")
                .getBytes(StandardCharsets.UTF_8), NOW));
        assertThat(t.value(wide.indexOf("Vehicle.Wide.S69"))).isEqualTo(69);
        assertThat(t.value(wide.indexOf("Vehicle.Wide.S63"))).isEqualTo(63);
    }

    /** Where the reader on its own refuses the payload's first repeated name. */
    private static int readerDuplicateAt(byte[] payload) {
        JsonCursor cursor = new JsonCursor().reset(payload);
        try {
            while (cursor.next() != null) {
                // Read to the repeat.
            }
        } catch (JsonCursor.DuplicateKey d) {
            return d.offset();
        }
        throw new AssertionError("the reader found no repeated name");
    }

    @Test
    void aRefusedPayloadIsEmbeddableJsonOnlyWhenAllOfItIsStrictUtf8() {
        String start = "{\"vin\":\"" + VIN + "\",";
        byte[][] tails = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] bad : tails) {
            // Refused before the reader got to the bad bytes: the whole payload is checked anyway.
            Verdict.Rejected timestamp = rejected(VALIDATOR.validate(TOPIC, withBytes(start + "\"timestamp\":true,\"x\":\"", bad, "\"}"), NOW));
            assertThat(timestamp.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
            assertThat(timestamp.wellFormedJson()).as("%02x", bad[0]).isFalse();
            Verdict.Rejected duplicate = rejected(VALIDATOR.validate(TOPIC, withBytes(start + "\"vin\":\"x\",\"x\":\"", bad, "\"}"), NOW));
            assertThat(duplicate.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
            assertThat(duplicate.wellFormedJson()).as("%02x", bad[0]).isFalse();
        }
        assertThat(rejected(VALIDATOR.validate(TOPIC, (start + "\"timestamp\":true}").getBytes(StandardCharsets.UTF_8), NOW))
                .wellFormedJson()).isTrue();
        Verdict.Rejected utf16 = rejected(VALIDATOR.validate("elsewhere", (start + "\"x\":1}").getBytes(StandardCharsets.UTF_16LE), NOW));
        assertThat(utf16.reason()).isEqualTo(RejectReason.BAD_TOPIC);
        assertThat(utf16.wellFormedJson()).as("UTF-16 is not JSON here, though a lenient parser would take it").isFalse();
    }

    @Test
    void aRefusedPayloadWithAnEscapedSurrogatePairInANameIsEmbeddableJson() {
        String start = "{\"vin\":\"" + VIN + "\",\"a\\uD83D\\uDE97\":1,";
        Verdict.Rejected timestamp = rejected(validate(TOPIC, start + "\"timestamp\":true}"));
        assertThat(timestamp.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP);
        assertThat(timestamp.wellFormedJson()).as("the reader accepts the name, so the embedding check must too").isTrue();
        Verdict.Rejected duplicate = rejected(validate(TOPIC, start + "\"a\ud83d\ude97\":2}"));
        assertThat(duplicate.reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(duplicate.wellFormedJson()).isTrue();
        assertThat(rejected(validate(TOPIC, start + "\"timestamp\":true,\"b\\uD800\":1}")).wellFormedJson())
                .as("an unpaired one no UTF-8 reader could name").isFalse();
    }

    @Test
    void theEmptyNameTwiceIsADuplicate() {
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"\":1,\"\":2}")).reason()).isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":1,\"\":1,\"\":2}}")).reason())
                .isEqualTo(RejectReason.DUPLICATE_KEY);
    }

    @Test
    void aSignalStringWithAnUnpairedSurrogateEscapeIsRefusedAsNotUtf8() {
        Verdict.Rejected r = rejected(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"VehicleIdentification\":{\"Brand\":\"A\\uD800\"}}}"));
        assertThat(r.reason()).isEqualTo(RejectReason.NOT_JSON);
        assertThat(r.detail()).isEqualTo("not JSON: a string with the unpaired surrogate \\uD800 at byte 71");
        assertThat(accepted(validate(TOPIC, "{\"vin\":\"" + VIN + "\",\"note\":\"A\\uD800\"}")).vin())
                .as("in a field the product does not read it stays in the raw copy as sent").isEqualTo(VIN);
    }
}
