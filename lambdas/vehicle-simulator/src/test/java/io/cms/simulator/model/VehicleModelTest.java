package io.cms.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VehicleModelTest {

    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    private static VehicleModel model(long seed) {
        return new VehicleModel(seed, Route.loop(52.52, 13.40, 4000, 12, seed), T0);
    }

    @Test
    void distanceTravelledMatchesSpeedOverTime() {
        VehicleModel m = model(7);
        Instant t = T0;
        for (int i = 0; i < 600; i++) {
            double speedBefore = m.speedKmh() / 3.6;
            double odoBefore = m.odometerKm();
            t = t.plusSeconds(1);
            m.step(1, t);
            double moved = (m.odometerKm() - odoBefore) * 1000;
            double speedAfter = m.speedKmh() / 3.6;
            // Moved distance lies between what the speeds at both ends of the step allow.
            assertThat(moved).isBetween(Math.min(speedBefore, speedAfter) - 1e-6, Math.max(speedBefore, speedAfter) + 1e-6);
        }
    }

    @Test
    void aCarWithALowBatteryPullsOverAndChargesInsteadOfDrivingOnEmpty() {
        long drivingOnEmpty = 0;
        long drivingLow = 0;
        long chargingSeconds = 0;
        for (long seed = 1; seed <= 10; seed++) {
            VehicleModel m = model(seed);
            Instant t = T0;
            for (int s = 0; s < 72 * 3600; s++) {
                t = t.plusSeconds(1);
                m.step(1, t);
                if (m.charging()) {
                    chargingSeconds++;
                } else if (m.speedKmh() > 0.5) {
                    if (m.stateOfCharge() == 0) {
                        drivingOnEmpty++;
                    }
                    if (m.stateOfCharge() < VehicleModel.CHARGE_BELOW_PERCENT) {
                        drivingLow++;
                    }
                }
            }
        }
        assertThat(drivingOnEmpty).as("seconds driven at 0 %").isZero();
        // Only the braking to a stop once the charge fell below the threshold.
        assertThat(drivingLow).as("seconds driven below the threshold").isLessThan(10 * 72 * 60);
        assertThat(chargingSeconds).as("the cars did charge").isPositive();
    }

    @Test
    void stateOfChargeFallsWhileDrivingAndHealthNeverRises() {
        VehicleModel m = model(11);
        double soc = m.stateOfCharge();
        double soh = m.stateOfHealth();
        Instant t = T0;
        for (int i = 0; i < 1800; i++) {
            t = t.plusSeconds(1);
            m.step(1, t);
            assertThat(m.stateOfHealth()).isLessThanOrEqualTo(soh);
            soh = m.stateOfHealth();
        }
        assertThat(m.odometerKm()).isGreaterThan(0);
        assertThat(m.stateOfCharge()).isLessThan(soc);
    }

    @Test
    void aDepletedVehicleStopsToChargeAndStateOfChargeRises() {
        VehicleModel m = model(3);
        Instant t = T0;
        int guard = 0;
        while (!m.charging() && guard++ < 200_000) {
            t = t.plusSeconds(5);
            m.step(5, t);
        }
        assertThat(m.charging()).isTrue();
        double soc = m.stateOfCharge();
        m.step(600, t.plusSeconds(600));
        assertThat(m.stateOfCharge()).isGreaterThan(soc);
        assertThat(m.speedKmh()).isZero();
        assertThat(m.current()).isNegative();
    }

    @Test
    void routePositionsStayNearTheCentreAndHeadingIsABearing() {
        Route route = Route.loop(52.52, 13.40, 4000, 12, 42);
        for (double d = 0; d < route.length() * 2; d += 250) {
            double[] p = route.positionAt(d);
            assertThat(Route.distance(52.52, 13.40, p[0], p[1])).isLessThan(6000);
            assertThat(p[2]).isBetween(0.0, 360.0);
        }
        assertThat(Route.distance(52.52, 13.40, 52.52, 13.40)).isCloseTo(0, within(1e-9));
    }

    @Test
    void vinsAreValidAndStable() {
        String vin = VehicleIdentity.vin("CMS", 42);
        assertThat(vin).hasSize(17).matches("[A-HJ-NPR-Z0-9]{17}");
        assertThat(VehicleIdentity.vin("CMS", 42)).isEqualTo(vin);
        assertThat(VehicleIdentity.vin("CMS", 43)).isNotEqualTo(vin);
        assertThat(VehicleIdentity.forVin(vin)).isEqualTo(VehicleIdentity.forVin(vin));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VehicleIdentity.vin("SIM", 1))
                .hasMessageContaining("without I, O and Q");
    }

    @Test
    void messageCarriesTheVinTimestampAndNestedVssSignals() {
        VehicleModel m = model(5);
        m.step(1, T0.plusSeconds(1));
        VehicleIdentity id = VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 1));
        JsonNode msg = TelemetryMessage.build(id, m, T0.plusSeconds(1));
        assertThat(msg.get("vin").asText()).isEqualTo(id.vin());
        assertThat(msg.get("timestamp").asLong()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(msg.at("/Vehicle/VehicleIdentification/VIN").asText()).isEqualTo(id.vin());
        assertThat(msg.at("/Vehicle/Speed").isNumber()).isTrue();
        assertThat(msg.at("/Vehicle/Powertrain/TractionBattery/StateOfCharge/Current").asDouble()).isBetween(0.0, 100.0);
        assertThat(msg.at("/Vehicle/OBD/DTCList").isArray()).isTrue();
        assertThat(msg.at("/Vehicle/Chassis/Axle/Row2/Wheel/Right/Tire/Pressure").asDouble()).isBetween(200.0, 300.0);
    }
}
