package io.cms.simulator.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.vss.Signal;
import io.cms.vss.SimulatorRanges;
import io.cms.vss.VssCatalog;
import io.cms.vss.VssDatatype;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the telemetry a vehicle publishes on {@code cms/data/{vin}/telemetry}: the envelope
 * ({@code vin}, {@code timestamp} in epoch milliseconds) and the signals as nested JSON under their
 * VSS paths ({@code {"Vehicle": {"Speed": 42.0, ...}}}).
 *
 * <p>The VSS catalog decides which signals a message carries and how each is typed: the
 * {@link VehicleModel} supplies the physical quantities it models, every value is fitted to the
 * signal's {@link SimulatorRanges range} (whole numbers for integer signals, so tyre pressures go
 * out as integer kPa), and catalog signals the model does not cover get a slowly varying value
 * inside their range. Signals that do not apply to a battery-electric vehicle (the fuel system)
 * are left out.
 */
public final class TelemetryMessage {

    /** Catalog branches a battery-electric vehicle never reports. */
    static final List<String> NOT_APPLICABLE = List.of("Vehicle.Powertrain.FuelSystem.");

    private static final VssCatalog CATALOG = VssCatalog.load();
    private static final Map<String, SimulatorRanges.Range> RANGES = SimulatorRanges.of(CATALOG);
    private static final String[] WHEELS = {"Row1.Wheel.Left", "Row1.Wheel.Right", "Row2.Wheel.Left", "Row2.Wheel.Right"};

    private TelemetryMessage() {
    }

    /** The catalog the messages follow. */
    public static VssCatalog catalog() {
        return CATALOG;
    }

    /** The quantities the model supplies, by VSS path, before they are fitted to the catalog. */
    static Map<String, Object> modelled(VehicleIdentity identity, VehicleModel model, Instant now) {
        Map<String, Object> s = new LinkedHashMap<>();
        double[] position = model.position();
        double tripSeconds = Math.max(0, Duration.between(model.tripStart(), now).toMillis() / 1000.0);
        s.put("Vehicle.VehicleIdentification.VIN", identity.vin());
        s.put("Vehicle.VehicleIdentification.Brand", identity.make());
        s.put("Vehicle.VehicleIdentification.Model", identity.model());
        s.put("Vehicle.VehicleIdentification.Year", identity.year());
        s.put("Vehicle.Speed", round(model.speedKmh(), 1));
        s.put("Vehicle.AverageSpeed", tripSeconds < 1 ? 0.0 : round(model.tripKm() / (tripSeconds / 3600), 1));
        s.put("Vehicle.IsMoving", model.speedKmh() > 0.5);
        s.put("Vehicle.CurrentLocation.Latitude", round(position[0], 6));
        s.put("Vehicle.CurrentLocation.Longitude", round(position[1], 6));
        s.put("Vehicle.CurrentLocation.Heading", round(position[2], 1));
        s.put("Vehicle.CurrentLocation.Altitude", 35.0);
        s.put("Vehicle.CurrentLocation.HorizontalAccuracy", 4.0);
        s.put("Vehicle.CurrentLocation.Timestamp", now.toString());
        s.put("Vehicle.TraveledDistance", round(model.odometerKm(), 3));
        s.put("Vehicle.TripMeterReading", round(model.tripKm(), 3));
        s.put("Vehicle.StartTime", model.tripStart().toString());
        s.put("Vehicle.TripDuration", Math.floor(tripSeconds));
        s.put("Vehicle.LowVoltageSystemState", "ON");
        s.put("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", round(model.stateOfCharge(), 2));
        s.put("Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", round(model.stateOfCharge(), 0));
        s.put("Vehicle.Powertrain.TractionBattery.StateOfHealth", round(model.stateOfHealth(), 3));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Average", round(model.packTemperature(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Min", round(model.packTemperature() - model.temperatureSpread(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Temperature.Max", round(model.packTemperature() + model.temperatureSpread(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.CurrentVoltage", round(model.voltage(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.CurrentCurrent", round(model.current(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.CurrentPower", round(model.voltage() * model.current(), 0));
        s.put("Vehicle.Powertrain.TractionBattery.Range", model.rangeMeters());
        s.put("Vehicle.Powertrain.TractionBattery.Charging.IsCharging", model.charging());
        s.put("Vehicle.Powertrain.TractionBattery.Charging.ChargeRate", round(model.chargeRateKmPerHour(), 1));
        s.put("Vehicle.Powertrain.TractionBattery.Charging.ChargeLimit", VehicleModel.CHARGE_LIMIT_PERCENT);
        s.put("Vehicle.Powertrain.Range", model.rangeMeters());
        s.put("Vehicle.OBD.DTCList", model.dtcs());
        double[] tires = model.tirePressures();
        for (int i = 0; i < WHEELS.length; i++) {
            s.put("Vehicle.Chassis.Axle." + WHEELS[i] + ".Tire.Pressure", tires[i]);
        }
        return s;
    }

    /**
     * The signals of one message by VSS path, in catalog order, each fitted to its catalog type
     * and range.
     *
     * @throws IllegalStateException if the model supplies a path the catalog does not have
     */
    public static Map<String, Object> signals(VehicleIdentity identity, VehicleModel model, Instant now) {
        Map<String, Object> modelled = modelled(identity, model, now);
        Map<String, Signal> byPath = CATALOG.byPath();
        for (String path : modelled.keySet()) {
            if (!byPath.containsKey(path)) {
                throw new IllegalStateException("the simulator models " + path + ", which is not in VSS catalog "
                        + CATALOG.vssVersion());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Signal signal : CATALOG.signals()) {
            String path = signal.path();
            if (NOT_APPLICABLE.stream().anyMatch(path::startsWith)) {
                continue;
            }
            Object value = modelled.containsKey(path) ? modelled.get(path) : unmodelled(signal, identity.vin(), now);
            if (value == null) {
                continue;
            }
            SimulatorRanges.Range range = RANGES.get(path);
            if (range != null && value instanceof Number n) {
                value = fit(range, n.doubleValue());
            }
            out.put(path, value);
        }
        return out;
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

    /** A number clamped into {@code range}; a {@link Long} for integer signals, else a {@link Double}. */
    static Object fit(SimulatorRanges.Range range, double value) {
        double v = Double.isFinite(value) ? value : range.at(0);
        v = Math.max(range.min(), Math.min(range.max(), v));
        if (range.integer()) {
            return (long) Math.max(range.min(), Math.min(range.max(), Math.rint(v)));
        }
        return v;
    }

    /**
     * A value for a catalog signal the model does not cover: numbers drift slowly (a period of
     * about an hour, phase per vehicle) through the lower half of their range; booleans are
     * false; strings take the first allowed value and are left out when the catalog allows any.
     */
    static Object unmodelled(Signal signal, String vin, Instant now) {
        VssDatatype.Kind kind = signal.datatype().kind();
        if (signal.datatype().isNumeric()) {
            SimulatorRanges.Range range = RANGES.get(signal.path());
            double phase = ((vin + signal.path()).hashCode() & 0xffff) / 65536.0 * 2 * Math.PI;
            double f = 0.25 + 0.2 * Math.sin(now.toEpochMilli() / 3_600_000.0 * 2 * Math.PI + phase);
            return range.at(f);
        }
        if (kind == VssDatatype.Kind.BOOLEAN) {
            return false;
        }
        if (signal.datatype() == VssDatatype.STRING && !signal.allowed().isEmpty()) {
            return signal.allowed().get(0);
        }
        return null;
    }

    /** Puts {@code value} at a dotted path, creating the objects on the way. */
    static void put(ObjectNode root, String path, Object value) {
        Json.putPath(root, List.of(path.split("\\.")), value);
    }

    private static double round(double value, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(value * f) / f;
    }
}
