package io.cms.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VehicleStateTest {

    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final long SEED = 42;
    /** A complete, valid state file; the invalid ones below change one field of it. */
    private static final String FULL = "{\"odometerKm\": 12.5, \"stateOfCharge\": 40, \"stateOfHealth\": 90, \"routeDistance\": 1,"
            + " \"trip\": {\"meterKm\": 3, \"startTime\": \"2026-11-22T08:00:00Z\"}, \"packTemperature\": 31.5, \"speedKmh\": 54.2,"
            + " \"troubleCodes\": {\"active\": [\"P0A80\"], \"clearInSeconds\": 420}, \"savedAt\": \"2026-11-22T08:10:00Z\"}";

    @TempDir
    Path dir;

    private static Route route() {
        return Route.loop(52.52, 13.40, 4000, 12, SEED);
    }

    private static Instant drive(VehicleModel m, Instant t, int seconds) {
        for (int i = 0; i < seconds; i++) {
            t = t.plusSeconds(1);
            m.step(1, t);
        }
        return t;
    }

    @Test
    void aSecondRunOfTheSameVehicleCarriesOnFromTheFirstInsteadOfStartingOverAtTheSameOdometer() throws Exception {
        VehicleModel first = new VehicleModel(SEED, route(), T0);
        Instant t = drive(first, T0, 1800);
        assertThat(first.odometerKm()).isGreaterThan(new VehicleModel(SEED, route(), T0).odometerKm());
        Path file = dir.resolve("state.json");
        first.state().save(file);

        VehicleModel second = new VehicleModel(SEED, route(), t, VehicleState.load(file).orElseThrow());
        assertThat(second.odometerKm()).isEqualTo(first.odometerKm());
        assertThat(second.stateOfCharge()).isEqualTo(first.stateOfCharge());
        assertThat(second.stateOfHealth()).isEqualTo(first.stateOfHealth());
        assertThat(second.position()).containsExactly(first.position());
        double last = first.odometerKm();
        second.step(1, t.plusSeconds(1));
        assertThat(second.odometerKm()).isGreaterThanOrEqualTo(last);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aVehicleStoppedMidTripCarriesOnItsTripPackTemperatureSpeedAndTroubleCodesInTheNextRun() {
        VehicleModel first = new VehicleModel(SEED, route(), T0);
        Instant t = T0;
        int guard = 0;
        // Drive until the run ends mid-trip: moving fast, a trouble code active that stays a while.
        do {
            t = drive(first, t, 1);
        } while (!(first.speedKmh() > 40 && first.tripKm() > 1 && !first.dtcs().isEmpty()
                && first.state().troubleCodes().clearInSeconds() > 60) && guard++ < 100 * 3600);
        assertThat(first.dtcs()).as("a trouble code came up").isNotEmpty();
        Path file = dir.resolve("state.json");
        first.state().save(file);
        Instant nextRun = t.plus(VehicleModel.RESUME_TRIP_WITHIN);
        VehicleModel fresh = new VehicleModel(SEED, route(), nextRun);
        assertThat(Math.abs(fresh.packTemperature() - first.packTemperature())).as("a fresh pack is at another temperature")
                .isGreaterThan(1.0);

        VehicleModel second = new VehicleModel(SEED, route(), nextRun, VehicleState.load(file).orElseThrow());
        second.step(1, nextRun.plusSeconds(1));
        JsonNode v = TelemetryMessage.build(VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 1)), second,
                nextRun.plusSeconds(1)).get("Vehicle");

        // Within one second: at most (speed + acceleration) metres more on the trip meter.
        assertThat(v.get("TripMeterReading").asDouble()).as("the trip meter carries on")
                .isBetween(first.tripKm() - 0.001, first.tripKm() + (first.speedKmh() / 3.6 + 2.5) / 1000 + 0.001);
        assertThat(v.get("StartTime").asText()).isEqualTo(first.tripStart().toString());
        List<String> codes = new ArrayList<>();
        v.at("/OBD/DTCList").forEach(c -> codes.add(c.asText()));
        assertThat(codes).isEqualTo(first.dtcs());
        // The pack relaxes by at most 1/600 of its distance to its target (< 60 K) per second; the
        // speed changes by at most 4 m/s (braking) per second.
        assertThat(v.at("/Powertrain/TractionBattery/Temperature/Average").asDouble())
                .isCloseTo(first.packTemperature(), within(0.1 + 0.05));
        assertThat(v.get("Speed").asDouble()).isCloseTo(first.speedKmh(), within(4 * 3.6 + 0.05));
    }

    @Test
    void aVehicleResumedLongAfterItsLastRunStartsANewTripStandingButKeepsItsOdometerBatteryAndCodes() {
        VehicleModel first = new VehicleModel(SEED, route(), T0);
        Instant t = T0;
        int guard = 0;
        do {
            t = drive(first, t, 1);
        } while (!(first.speedKmh() > 40 && first.tripKm() > 1 && !first.dtcs().isEmpty()) && guard++ < 100 * 3600);
        VehicleState saved = first.state();
        assertThat(saved.savedAt()).as("the time of the last step").isEqualTo(t);
        Instant nextRun = t.plus(VehicleModel.RESUME_TRIP_WITHIN).plusSeconds(1);

        VehicleModel second = new VehicleModel(SEED, route(), nextRun, saved);

        assertThat(second.tripKm()).isZero();
        assertThat(second.tripStart()).isEqualTo(nextRun);
        assertThat(second.speedKmh()).isZero();
        assertThat(second.odometerKm()).isEqualTo(first.odometerKm());
        assertThat(second.stateOfCharge()).isEqualTo(first.stateOfCharge());
        assertThat(second.stateOfHealth()).isEqualTo(first.stateOfHealth());
        assertThat(second.packTemperature()).isEqualTo(first.packTemperature());
        assertThat(second.state().troubleCodes()).isEqualTo(saved.troubleCodes());
    }

    @Test
    void aStateWithoutTheTripTemperatureSpeedCodesOrSaveTimeIsInvalid() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"odometerKm\": 61234.5, \"stateOfCharge\": 48.2, \"stateOfHealth\": 95.1, \"routeDistance\": 1200}");
        assertThatThrownBy(() -> VehicleState.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid vehicle state in").hasMessageContaining("\"trip\" must be an object");
        for (String field : List.of("trip", "packTemperature", "speedKmh", "troubleCodes", "savedAt")) {
            Files.writeString(file, FULL.replaceFirst(", \"" + field + "\": (\\{[^}]*\\}|[^,}]*)", ""));
            assertThatThrownBy(() -> VehicleState.load(file)).as(field).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + field + "\" must be");
        }
    }

    @Test
    void savingIntoADirectoryThatDoesNotExistYetCreatesIt() {
        Path file = dir.resolve("simulator-state").resolve("CMSA0000000000001.json");
        VehicleState state = new VehicleState(61_234.5, 48.2, 95.1, 1_200, new VehicleState.Trip(12.5, T0), 31.5, 54.2,
                new VehicleState.TroubleCodes(List.of("P0A80"), 420), T0.plusSeconds(600));

        state.save(file);

        assertThat(VehicleState.load(file)).contains(state);
    }

    @Test
    void noFileIsNoStateAndACorruptOrInvalidFileIsAClearError() throws Exception {
        Path file = dir.resolve("state.json");
        assertThat(VehicleState.load(file)).isEmpty();
        Files.writeString(file, "{\"odometerKm\": 12.5, \"stateOf");
        assertThatThrownBy(() -> VehicleState.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid vehicle state in");
        assertThat(VehicleState.load(writeFull(file, "", ""))).as("the complete file is valid").isPresent();
        // {replaced, replacement, what the error must say...}
        String[][] invalid = {
            {"\"stateOfCharge\": 40", "\"stateOfCharge\": 140", "stateOfCharge must be within [0.0, 100.0], got 140.0"},
            {"\"odometerKm\": 12.5", "\"odometerKm\": \"far\"", "\"odometerKm\" must be a number"},
            {", \"startTime\": \"2026-11-22T08:00:00Z\"", "", "\"trip.startTime\" must be a time"},
            {"\"startTime\": \"2026-11-22T08:00:00Z\"", "\"startTime\": \"yesterday\"", "got \"yesterday\""},
            {"\"meterKm\": 3", "\"meterKm\": -3", "trip.meterKm must be within"},
            {"\"savedAt\": \"2026-11-22T08:10:00Z\"", "\"savedAt\": \"2026-11-22T07:59:59Z\"", "trip.startTime (2026-11-22T08:00:00Z) is after savedAt"},
            {"\"savedAt\": \"2026-11-22T08:10:00Z\"", "\"savedAt\": \"last week\"", "\"savedAt\" must be a time", "got \"last week\""},
            {"\"speedKmh\": 54.2", "\"speedKmh\": -4", "speedKmh must be within [0.0, 300.0], got -4.0"},
            {"\"packTemperature\": 31.5", "\"packTemperature\": \"warm\"", "\"packTemperature\" must be a number"},
            {"[\"P0A80\"]", "[\"oops\"]", "\"oops\" is not a trouble code"},
            {", \"clearInSeconds\": 420", "", "\"troubleCodes.clearInSeconds\" must be a number"},
            {"{\"active\": [\"P0A80\"], \"clearInSeconds\": 420}", "[\"P0A80\"]", "\"troubleCodes\" must be an object"},
        };
        for (String[] c : invalid) {
            var thrown = assertThatThrownBy(() -> VehicleState.load(writeFull(file, c[0], c[1]))).as("%s -> %s", c[0], c[1]);
            for (int i = 2; i < c.length; i++) {
                thrown.hasMessageContaining(c[i]);
            }
        }
    }

    /** Writes {@link #FULL} with {@code from} replaced by {@code to} (which must be in it). */
    private static Path writeFull(Path file, String from, String to) throws Exception {
        assertThat(FULL).contains(from);
        return Files.writeString(file, FULL.replace(from, to));
    }
}
