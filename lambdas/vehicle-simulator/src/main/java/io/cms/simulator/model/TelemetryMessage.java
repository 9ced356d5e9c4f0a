package io.cms.simulator.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the telemetry a vehicle publishes on {@code cms/data/{vin}/telemetry}: the envelope
 * ({@code vin}, {@code timestamp} in epoch milliseconds) and the signals as nested JSON under their
 * COVESA VSS 4.0 paths ({@code {"Vehicle": {"Speed": 42.0, ...}}}).
 */
public final class TelemetryMessage {

    private TelemetryMessage() {
    }

    /** The signals of {@code model} by VSS path, rounded to sensor precision. */
    public static Map<String, Object> signals(VehicleIdentity identity, VehicleModel model, Instant now) {
        Map<String, Object> s = new LinkedHashMap<>();
        double[] position = model.position();
        s.put("Vehicle.VehicleIdentification.VIN", identity.vin());
        s.put("Vehicle.VehicleIdentification.Brand", identity.make());
        s.put("Vehicle.VehicleIdentification.Model", identity.model());
        s.put("Vehicle.VehicleIdentification.Year", identity.year());
        s.put("Vehicle.Speed", round(model.speedKmh(), 1));
        s.put("Vehicle.CurrentLocation.Latitude", round(position[0], 6));
        s.put("Vehicle.CurrentLocation.Longitude", round(position[1], 6));
        s.put("Vehicle.CurrentLocation.Heading", round(position[2], 1));
        s.put("Vehicle.CurrentLocation.Altitude", 35.0);
        s.put("Vehicle.CurrentLocation.Timestamp", now.toString());
        s.put("Vehicle.TraveledDistance", round(model.odometerKm(), 3));
        s.put("Vehicle.TripMeterReading", round(model.tripKm(), 3));
        s.put("Vehicle.StartTime", model.tripStart().toString());
        s.put("Vehicle.TripDuration", (double) Duration.between(model.tripStart(), now).toSeconds());
        s.put("Vehicle.LowVoltageSystemState", "ON");
        s.put("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", round(model.stateOfCharge(), 2));
        s.put("Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", round(model.stateOfCharge(), 0));
        s.put("Vehicle.Powertrain.TractionBattery.StateOfHealth", round(model.stateOfHealth(), 3));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Average", round(model.packTemperature(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Min", round(model.packTemperature() - model.temperatureSpread(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Max", round(model.packTemperature() + model.temperatureSpread(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.CurrentVoltage", round(model.voltage(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.CurrentCurrent", round(model.current(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Range", (double) Math.round(model.rangeMeters()));
        s.put("Vehicle.Powertrain.TractionBattery.Charging.IsCharging", model.charging());
        s.put("Vehicle.Powertrain.Range", (double) Math.round(model.rangeMeters()));
        s.put("Vehicle.OBD.DTCList", model.dtcs());
        double[] tires = model.tirePressures();
        String[] wheels = {"Row1.Wheel.Left", "Row1.Wheel.Right", "Row2.Wheel.Left", "Row2.Wheel.Right"};
        for (int i = 0; i < 4; i++) {
            s.put("Vehicle.Chassis.Axle." + wheels[i] + ".Tire.Pressure", round(tires[i], 1));
        }
        return s;
    }

    /** The JSON message: {@code {"vin", "timestamp", "Vehicle": {...}}}. */
    public static ObjectNode build(VehicleIdentity identity, VehicleModel model, Instant now) {
        ObjectNode root = Json.object();
        root.put("vin", identity.vin());
        root.put("timestamp", now.toEpochMilli());
        for (Map.Entry<String, Object> e : signals(identity, model, now).entrySet()) {
            put(root, e.getKey(), e.getValue());
        }
        return root;
    }

    /** Puts {@code value} at a dotted path, creating the objects on the way. */
    static void put(ObjectNode root, String path, Object value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            ObjectNode child = (ObjectNode) node.get(parts[i]);
            if (child == null) {
                child = node.putObject(parts[i]);
            }
            node = child;
        }
        String leaf = parts[parts.length - 1];
        if (value instanceof Double d) {
            node.put(leaf, d);
        } else if (value instanceof Integer n) {
            node.put(leaf, n);
        } else if (value instanceof Boolean b) {
            node.put(leaf, b);
        } else if (value instanceof java.util.List<?> list) {
            ArrayNode array = node.putArray(leaf);
            list.forEach(v -> array.add(String.valueOf(v)));
        } else {
            node.put(leaf, String.valueOf(value));
        }
    }

    private static double round(double value, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(value * f) / f;
    }
}
