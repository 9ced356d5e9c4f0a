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
}
