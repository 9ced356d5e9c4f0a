package io.cms.vss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VssCatalogTest {

    static final VssCatalog CATALOG = VssCatalog.load();
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    static VssCatalog parse(String text) throws Exception {
        return VssCatalog.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void holdsTheSignalsTheProductUses() {
        assertThat(CATALOG.vssVersion()).isEqualTo("4.0");
        assertThat(CATALOG.byPath()).containsKeys(
                "Vehicle.VehicleIdentification.VIN", "Vehicle.VehicleIdentification.Brand",
                "Vehicle.VehicleIdentification.Model", "Vehicle.VehicleIdentification.Year",
                "Vehicle.CurrentLocation.Latitude", "Vehicle.CurrentLocation.Longitude",
                "Vehicle.CurrentLocation.Heading", "Vehicle.CurrentLocation.Altitude",
                "Vehicle.CurrentLocation.Timestamp", "Vehicle.Speed", "Vehicle.TraveledDistance",
                "Vehicle.TripMeterReading", "Vehicle.StartTime", "Vehicle.TripDuration", "Vehicle.LowVoltageSystemState",
                "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",
                "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed",
                "Vehicle.Powertrain.TractionBattery.StateOfHealth",
                "Vehicle.Powertrain.TractionBattery.Temperature.Average",
                "Vehicle.Powertrain.TractionBattery.Temperature.Min",
                "Vehicle.Powertrain.TractionBattery.Temperature.Max",
                "Vehicle.Powertrain.TractionBattery.CurrentVoltage",
                "Vehicle.Powertrain.TractionBattery.CurrentCurrent",
                "Vehicle.Powertrain.TractionBattery.Range",
                "Vehicle.Powertrain.TractionBattery.Charging.IsCharging",
                "Vehicle.Powertrain.TractionBattery.Charging.ChargeRate",
                "Vehicle.Powertrain.Range", "Vehicle.OBD.DTCList", "Vehicle.Powertrain.FuelSystem.Level",
                "Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure", "Vehicle.Chassis.Axle.Row1.Wheel.Right.Tire.Pressure",
                "Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure", "Vehicle.Chassis.Axle.Row2.Wheel.Right.Tire.Pressure");
    }

    @Test
    void keepsVssTypesAndUnits() {
        Signal range = CATALOG.signal("Vehicle.Powertrain.TractionBattery.Range").orElseThrow();
        assertThat(range.datatype()).isEqualTo(VssDatatype.UINT32);
        assertThat(range.unit()).isEqualTo("m");
        assertThat(CATALOG.signal("Vehicle.OBD.DTCList").orElseThrow().datatype()).isEqualTo(VssDatatype.STRING_ARRAY);
        assertThat(CATALOG.signal("Vehicle.CurrentLocation.Latitude").orElseThrow().datatype()).isEqualTo(VssDatatype.DOUBLE);
    }

    @Test
    void everyDescriptionIsPresent() {
        assertThat(CATALOG.signals()).allSatisfy(s -> assertThat(s.description()).isNotBlank());
    }

    @Test
    void unknownPathIsEmpty() {
        assertThat(CATALOG.signal("Vehicle.Cabin.Door")).isEmpty();
        assertThat(CATALOG.indexOf("Vehicle.Cabin.Door")).isEqualTo(-1);
    }

    @Test
    void treeLeavesCarryTheirCatalogIndex() {
        SignalTree lat = CATALOG.tree().child("Vehicle").child("CurrentLocation").child("Latitude");
        assertThat(lat.isLeaf()).isTrue();
        assertThat(CATALOG.signals().get(lat.index()).path()).isEqualTo("Vehicle.CurrentLocation.Latitude");
    }

    @Test
    void acceptsValidValuesOfEachKind() throws Exception {
        assertThat(CATALOG.validate("Vehicle.Speed", json("42.5"))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.Speed", json("42"))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.IsMoving", json("true"))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.LowVoltageSystemState", json("\"ON\""))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.OBD.DTCList", json("[\"P0A80\",\"U0100\"]"))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.Powertrain.TractionBattery.Range", json("312000.0"))).isEmpty();
        assertThat(CATALOG.validate("Vehicle.Speed", json("null"))).isEmpty();
    }

    @Test
    void rejectsStringForFloat() throws Exception {
        assertThat(CATALOG.validate("Vehicle.Speed", json("\"fast\"")))
                .hasValueSatisfying(v -> {
                    assertThat(v.kind()).isEqualTo(Violation.Kind.WRONG_TYPE);
                    assertThat(v.message()).isEqualTo("Vehicle.Speed must be float, got a string");
                });
    }

    @Test
    void rejectsFractionForInteger() throws Exception {
        assertThat(CATALOG.validate("Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure", json("240.5")))
                .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.WRONG_TYPE));
    }

    @Test
    void rejectsNumberAboveMax() throws Exception {
        assertThat(CATALOG.validate("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", json("100.5")))
                .hasValueSatisfying(v -> {
                    assertThat(v.kind()).isEqualTo(Violation.Kind.OUT_OF_RANGE);
                    assertThat(v.message()).contains("outside [0, 100] percent");
                });
    }

    @Test
    void rejectsLatitudeBelowMin() throws Exception {
        assertThat(CATALOG.validate("Vehicle.CurrentLocation.Latitude", json("-90.01")))
                .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.OUT_OF_RANGE));
    }

    @Test
    void rejectsNegativeUnsigned() throws Exception {
        assertThat(CATALOG.validate("Vehicle.Powertrain.Range", json("-1")))
                .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.OUT_OF_RANGE));
    }

    @Test
    void rejectsValueOutsideEnumeration() throws Exception {
        assertThat(CATALOG.validate("Vehicle.LowVoltageSystemState", json("\"on\"")))
                .hasValueSatisfying(v -> assertThat(v.message()).contains("is not one of [UNDEFINED"));
    }

    @Test
    void rejectsMalformedDtc() throws Exception {
        assertThat(CATALOG.validate("Vehicle.OBD.DTCList", json("[\"P0A80\",\"X1\"]")))
                .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.OUT_OF_RANGE));
    }

    @Test
    void rejectsNumberInsideStringArray() throws Exception {
        assertThat(CATALOG.validate("Vehicle.OBD.DTCList", json("[\"P0A80\",7]")))
                .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.WRONG_TYPE));
    }

    @Test
    void rejectsObjectForBoolean() throws Exception {
        assertThat(CATALOG.validate("Vehicle.IsMoving", json("{}")))
                .hasValueSatisfying(v -> assertThat(v.message()).isEqualTo("Vehicle.IsMoving must be boolean, got an object"));
    }

    @Test
    void validatingAnUnknownPathFails() {
        assertThatThrownBy(() -> CATALOG.validate("Vehicle.Nope", json("1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Vehicle.Nope");
    }

    @Test
    void refusesCatalogWithDuplicatePath() {
        assertThatThrownBy(() -> parse("{\"signals\":[{\"path\":\"Vehicle.Speed\",\"datatype\":\"float\"},"
                + "{\"path\":\"Vehicle.Speed\",\"datatype\":\"float\"}]}"))
                .hasMessageContaining("Vehicle.Speed is listed twice");
    }

    @Test
    void refusesCatalogWithLowerCasePath() {
        assertThatThrownBy(() -> parse("{\"signals\":[{\"path\":\"vehicle.speed\",\"datatype\":\"float\"}]}"))
                .hasMessageContaining("not a canonical VSS path");
    }

    @Test
    void refusesCatalogWithUnknownDatatype() {
        assertThatThrownBy(() -> parse("{\"signals\":[{\"path\":\"Vehicle.Speed\",\"datatype\":\"float32\"}]}"))
                .hasMessageContaining("unknown VSS datatype 'float32'");
    }

    @Test
    void refusesCatalogWhereLeafIsAlsoBranch() {
        assertThatThrownBy(() -> parse("{\"signals\":[{\"path\":\"Vehicle.Speed\",\"datatype\":\"float\"},"
                + "{\"path\":\"Vehicle.Speed.Max\",\"datatype\":\"float\"}]}"))
                .hasMessageContaining("below the leaf Vehicle.Speed");
    }

    @Test
    void refusesCatalogWithMinAboveMax() {
        assertThatThrownBy(() -> parse("{\"signals\":[{\"path\":\"Vehicle.Speed\",\"datatype\":\"float\",\"min\":5,\"max\":1}]}"))
                .hasMessageContaining("min 5.0 > max 1.0");
    }
}
