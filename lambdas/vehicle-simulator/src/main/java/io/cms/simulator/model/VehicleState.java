package io.cms.simulator.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a simulated vehicle carries over from one run to the next, so that its odometer never goes
 * backwards and its battery does not refill between runs.
 *
 * @param odometerKm the odometer ({@code Vehicle.TraveledDistance}) in km
 * @param stateOfCharge the state of charge in percent
 * @param stateOfHealth the state of health in percent
 * @param routeDistance how far along its route loop the vehicle is, in metres
 */
public record VehicleState(double odometerKm, double stateOfCharge, double stateOfHealth, double routeDistance) {

    public VehicleState {
        check("odometerKm", odometerKm, 0, Double.MAX_VALUE);
        check("stateOfCharge", stateOfCharge, 0, 100);
        check("stateOfHealth", stateOfHealth, 0, 100);
        check("routeDistance", routeDistance, 0, Double.MAX_VALUE);
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
            PrivateFiles.write(file, Json.write(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vehicle state " + file, e);
        }
    }

    /**
     * Reads a state {@link #save} wrote; empty if there is no such file.
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
                    number(n, "stateOfHealth"), number(n, "routeDistance")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid vehicle state in " + file + ": " + e.getMessage(), e);
        }
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number");
        }
        return v.doubleValue();
    }
}
