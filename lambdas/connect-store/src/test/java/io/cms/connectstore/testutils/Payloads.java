package io.cms.connectstore.testutils;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Telemetry payloads as a vehicle publishes them, for tests and benchmarks. */
public final class Payloads {

    private Payloads() {
    }

    /** A VIN made from {@code n} (valid: 17 characters, no I/O/Q). */
    public static String vin(int n) {
        return String.format(Locale.ROOT, "1HGCM8263%08d", n);
    }

    /** The topic vehicle {@code vin} publishes on. */
    public static String topic(String vin) {
        return "cms/data/" + vin + "/telemetry";
    }

    /**
     * A complete message (every catalog signal) whose numbers vary with {@code i}.
     */
    public static ObjectNode full(String vin, long timestamp, int i) {
        ObjectNode root = Json.object();
        root.put("vin", vin);
        root.put("timestamp", timestamp);
        ObjectNode v = root.putObject("Vehicle");
        ObjectNode id = v.putObject("VehicleIdentification");
        id.put("VIN", vin);
        id.put("Brand", "Acme");
        id.put("Model", "Volt " + (i % 3));
        id.put("Year", 2020 + i % 6);
        ObjectNode loc = v.putObject("CurrentLocation");
        loc.put("Latitude", 47.6 + (i % 1000) / 10000.0);
        loc.put("Longitude", -122.3 - (i % 1000) / 10000.0);
        loc.put("Heading", (i * 7) % 360);
        loc.put("Altitude", 35.5);
        loc.put("HorizontalAccuracy", 2.5);
        loc.put("Timestamp", java.time.Instant.ofEpochMilli(timestamp).toString());
        v.put("Speed", (i % 1300) / 10.0);
        v.put("AverageSpeed", 48.25);
        v.put("IsMoving", i % 5 != 0);
        v.put("TraveledDistance", 12000.5 + i);
        v.put("TripMeterReading", 12.125 + i % 100);
        v.put("StartTime", "2026-11-22T06:00:00Z");
        v.put("TripDuration", 600.0 + i % 60);
        v.put("LowVoltageSystemState", i % 2 == 0 ? "ON" : "ACC");
        ObjectNode pt = v.putObject("Powertrain");
        pt.put("Range", 300000 + i % 1000);
        pt.putObject("FuelSystem").put("Level", i % 101);
        ObjectNode tb = pt.putObject("TractionBattery");
        ObjectNode soc = tb.putObject("StateOfCharge");
        soc.put("Current", (i % 1000) / 10.0);
        soc.put("Displayed", (double) ((i % 1000) / 10));
        tb.put("StateOfHealth", 97.25);
        ObjectNode temp = tb.putObject("Temperature");
        temp.put("Average", 25.5);
        temp.put("Min", 24.0);
        temp.put("Max", 27.25);
        tb.put("CurrentVoltage", 398.5);
        tb.put("CurrentCurrent", -120.5 + i % 10);
        tb.put("CurrentPower", -48000.0);
        tb.put("Range", 290000 + i % 1000);
        ObjectNode ch = tb.putObject("Charging");
        ch.put("IsCharging", i % 7 == 0);
        ch.put("ChargeRate", 0.0);
        ch.put("ChargeLimit", 80);
        v.putObject("OBD").putArray("DTCList").add("P0A80").add(i % 2 == 0 ? "U0100" : "C0035");
        ObjectNode axle = v.putObject("Chassis").putObject("Axle");
        int[] pressures = {240, 241, 238, 239};
        String[][] wheels = {{"Row1", "Left"}, {"Row1", "Right"}, {"Row2", "Left"}, {"Row2", "Right"}};
        for (int w = 0; w < 4; w++) {
            ObjectNode row = axle.has(wheels[w][0]) ? (ObjectNode) axle.get(wheels[w][0]) : axle.putObject(wheels[w][0]);
            ObjectNode wheel = row.has("Wheel") ? (ObjectNode) row.get("Wheel") : row.putObject("Wheel");
            wheel.putObject(wheels[w][1]).putObject("Tire").put("Pressure", pressures[w]);
        }
        return root;
    }

    /** {@link #full} as bytes. */
    public static byte[] bytes(ObjectNode message) {
        return Json.write(message).getBytes(StandardCharsets.UTF_8);
    }
}
