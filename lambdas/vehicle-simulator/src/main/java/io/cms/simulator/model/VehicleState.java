package io.cms.simulator.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a simulated vehicle carries over from one run to the next, so that its odometer never goes
 * backwards, its battery does not refill, and a trip under way goes on between runs.
 *
 * @param odometerKm the odometer ({@code Vehicle.TraveledDistance}) in km
 * @param stateOfCharge the state of charge in percent
 * @param stateOfHealth the state of health in percent
 * @param routeDistance how far along its route loop the vehicle is, in metres
 * @param trip the trip under way
 * @param packTemperature the average pack temperature in degC
 * @param speedKmh the speed in km/h
 * @param troubleCodes the active trouble codes
 * @param savedAt the time the state is of (the vehicle's last step); a trip cannot start after it
 */
public record VehicleState(double odometerKm, double stateOfCharge, double stateOfHealth, double routeDistance,
        Trip trip, double packTemperature, double speedKmh, TroubleCodes troubleCodes, Instant savedAt) {

    /**
     * The trip under way.
     *
     * @param meterKm the trip meter ({@code Vehicle.TripMeterReading}) in km
     * @param startTime when the trip started ({@code Vehicle.StartTime})
     */
    public record Trip(double meterKm, Instant startTime) {
        public Trip {
            check("trip.meterKm", meterKm, 0, Double.MAX_VALUE);
            if (startTime == null) {
                throw new IllegalArgumentException("trip.startTime must be given");
            }
        }
    }

    /**
     * The active diagnostic trouble codes ({@code Vehicle.OBD.DTCList}).
     *
     * @param active the codes, such as {@code P0A80}; empty if none
     * @param clearInSeconds how long until they clear, in seconds (0 if none is active)
     */
    public record TroubleCodes(List<String> active, double clearInSeconds) {
        private static final Pattern CODE = Pattern.compile("[PCBU][0-9A-F]{4}");

        public TroubleCodes {
            active = List.copyOf(active);
            for (String code : active) {
                if (!CODE.matcher(code).matches()) {
                    throw new IllegalArgumentException("troubleCodes.active: \"" + code + "\" is not a trouble code such as P0A80");
                }
            }
            check("troubleCodes.clearInSeconds", clearInSeconds, 0, Double.MAX_VALUE);
        }
    }

    public VehicleState {
        check("odometerKm", odometerKm, 0, Double.MAX_VALUE);
        check("stateOfCharge", stateOfCharge, 0, 100);
        check("stateOfHealth", stateOfHealth, 0, 100);
        check("routeDistance", routeDistance, 0, Double.MAX_VALUE);
        check("packTemperature", packTemperature, -60, 100);
        check("speedKmh", speedKmh, 0, 300);
        if (trip == null || troubleCodes == null || savedAt == null) {
            throw new IllegalArgumentException("trip, troubleCodes and savedAt must be given");
        }
        if (trip.startTime().isAfter(savedAt)) {
            throw new IllegalArgumentException("trip.startTime (" + trip.startTime() + ") is after savedAt (" + savedAt
                    + "): a trip cannot start after the state was saved");
        }
    }

    private static void check(String name, double value, double min, double max) {
        // Written so that NaN fails too.
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be within [" + min + ", " + max + "], got " + value);
        }
    }

    /**
     * Writes the state to {@code file} atomically (temporary file, then rename), creating its
     * directory (owner-only) if there is none.
     */
    public void save(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                PrivateFiles.createDirectory(dir);
            }
            PrivateFiles.write(file, Json.write(toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vehicle state " + file, e);
        }
    }

    private ObjectNode toJson() {
        ObjectNode n = Json.object().put("odometerKm", odometerKm).put("stateOfCharge", stateOfCharge)
                .put("stateOfHealth", stateOfHealth).put("routeDistance", routeDistance);
        n.putObject("trip").put("meterKm", trip.meterKm()).put("startTime", trip.startTime().toString());
        n.put("packTemperature", packTemperature).put("speedKmh", speedKmh);
        ObjectNode codes = n.putObject("troubleCodes");
        ArrayNode active = codes.putArray("active");
        troubleCodes.active().forEach(active::add);
        codes.put("clearInSeconds", troubleCodes.clearInSeconds());
        n.put("savedAt", savedAt.toString());
        return n;
    }

    /**
     * Reads a state {@link #save} wrote; empty if there is no such file. Every field is required.
     *
     * @throws IllegalArgumentException if the file cannot be read or does not hold a valid state
     */
    public static Optional<VehicleState> load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode n = Json.parse(text);
            return Optional.of(new VehicleState(number(n, "odometerKm"), number(n, "stateOfCharge"),
                    number(n, "stateOfHealth"), number(n, "routeDistance"), trip(n), number(n, "packTemperature"),
                    number(n, "speedKmh"), troubleCodes(n), time(n, "", "savedAt")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid vehicle state in " + file + ": " + e.getMessage(), e);
        }
    }

    private static Trip trip(JsonNode n) {
        JsonNode trip = object(n, "trip");
        return new Trip(number(trip, "trip.", "meterKm"), time(trip, "trip.", "startTime"));
    }

    private static Instant time(JsonNode n, String prefix, String field) {
        JsonNode v = n.get(field);
        String must = "\"" + prefix + field + "\" must be a time such as 2026-11-22T08:00:00Z";
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(must);
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(must + ", got \"" + v.asText() + "\"", e);
        }
    }

    private static TroubleCodes troubleCodes(JsonNode n) {
        JsonNode codes = object(n, "troubleCodes");
        JsonNode active = codes.get("active");
        if (active == null || !active.isArray()) {
            throw new IllegalArgumentException("\"troubleCodes.active\" must be an array of codes");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode code : active) {
            if (!code.isTextual()) {
                throw new IllegalArgumentException("\"troubleCodes.active\" must be an array of codes, got " + code);
            }
            out.add(code.asText());
        }
        return new TroubleCodes(out, number(codes, "troubleCodes.", "clearInSeconds"));
    }

    private static JsonNode object(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("\"" + field + "\" must be an object");
        }
        return v;
    }

    private static double number(JsonNode n, String field) {
        return number(n, "", field);
    }

    private static double number(JsonNode n, String prefix, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("\"" + prefix + field + "\" must be a number");
        }
        return v.doubleValue();
    }
}
