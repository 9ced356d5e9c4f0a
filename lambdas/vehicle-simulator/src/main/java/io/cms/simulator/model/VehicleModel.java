package io.cms.simulator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The physical state of one simulated electric vehicle, advanced in time steps. Quantities are
 * tied together the way a real car's are: position follows speed along the route, distance and
 * odometer follow position, state of charge falls with energy used while driving and rises while
 * charging, state of health drifts down slowly with charge throughput, pack temperature follows
 * power, and diagnostic trouble codes appear rarely and clear after a while.
 */
public final class VehicleModel {

    /** Pack capacity in kWh. */
    public static final double CAPACITY_KWH = 75.0;
    /** Consumption in kWh per km at moderate speed. */
    public static final double CONSUMPTION_KWH_PER_KM = 0.17;
    /** The charge limit the driver set, in percent; charging stops there. */
    public static final int CHARGE_LIMIT_PERCENT = 90;

    /** Below this state of charge the car pulls over and charges. */
    public static final int CHARGE_BELOW_PERCENT = 12;

    /**
     * The longest time between the end of one run and the start of the next in which a vehicle
     * carries on its trip and speed; after a longer break (or from a state that does not say when
     * it was saved) it was parked meanwhile: it starts a new trip, standing.
     */
    public static final Duration RESUME_TRIP_WITHIN = Duration.ofMinutes(30);
    private static final double MAX_ACCEL = 2.5;
    private static final double MAX_DECEL = 4.0;
    private static final List<String> DTC_CODES = List.of("P0A80", "P0AA6", "C0035", "U0100", "B1318", "P0C78");

    private final Random random;
    private final Route route;

    private double speed;            // m/s
    private double targetSpeed;      // m/s
    private double secondsToNewTarget;
    private double distance;         // m along the route
    private double odometerKm;
    private double tripKm;
    private Instant tripStart;
    private Instant now;             // the time of the last step (or the start)
    private double soc;              // %
    private double soh;              // %
    private double packTemp;         // degC
    private double ambientTemp;      // degC
    private double current;          // A (positive = discharge)
    private boolean charging;
    private final double[] coldTirePressure = new double[4]; // kPa at ambient temperature
    private double tireTemp;         // degC
    private double chargeKw;
    private final List<String> dtcs = new ArrayList<>();
    private double dtcClearIn;

    public VehicleModel(long seed, Route route, Instant start) {
        this.random = new Random(seed);
        this.route = route;
        this.distance = random.nextDouble() * route.length();
        this.odometerKm = 5_000 + random.nextDouble() * 60_000;
        this.soc = 45 + random.nextDouble() * 50;
        this.soh = 92 + random.nextDouble() * 7;
        this.ambientTemp = 8 + random.nextDouble() * 18;
        this.packTemp = ambientTemp + 5;
        this.tireTemp = ambientTemp;
        this.tripStart = start;
        this.now = start;
        for (int i = 0; i < 4; i++) {
            coldTirePressure[i] = 235 + random.nextDouble() * 20;
        }
        newTarget();
    }

    /**
     * A vehicle that carries on from {@code resumed} (as {@link #state} gave it at the end of an
     * earlier run): its odometer, charge, health, place on the route, pack temperature and active
     * trouble codes (which clear when they would have), and its trip (meter and start time) and speed
     * if it was saved at most {@link #RESUME_TRIP_WITHIN} before {@code start} (else a new trip starts
     * at {@code start}, standing); the rest as for a new model.
     */
    public VehicleModel(long seed, Route route, Instant start, VehicleState resumed) {
        this(seed, route, start);
        this.odometerKm = resumed.odometerKm();
        this.soc = resumed.stateOfCharge();
        this.soh = resumed.stateOfHealth();
        this.distance = resumed.routeDistance() % route.length();
        this.packTemp = resumed.packTemperature();
        if (carriesOn(resumed.savedAt(), start)) {
            this.tripKm = resumed.trip().meterKm();
            this.tripStart = resumed.trip().startTime();
            this.speed = resumed.speedKmh() / 3.6;
        }
        this.dtcs.addAll(resumed.troubleCodes().active());
        this.dtcClearIn = resumed.troubleCodes().clearInSeconds();
    }

    /** Whether a vehicle saved at {@code savedAt} goes on with its trip at {@code start}. */
    private static boolean carriesOn(Instant savedAt, Instant start) {
        // A state saved "after" the start (the clock went back) is no trip to go on with either.
        return !savedAt.isAfter(start) && Duration.between(savedAt, start).compareTo(RESUME_TRIP_WITHIN) <= 0;
    }

    /** What the next run of this vehicle resumes from (see {@link VehicleState}), as of its last step. */
    public VehicleState state() {
        double place = ((distance % route.length()) + route.length()) % route.length();
        var codes = new VehicleState.TroubleCodes(dtcs, dtcs.isEmpty() ? 0 : Math.max(0, dtcClearIn));
        return new VehicleState(odometerKm, soc, soh, place, new VehicleState.Trip(tripKm, tripStart), packTemp,
                speed * 3.6, codes, now);
    }

    /** Advances the model by {@code dt} seconds. */
    public void step(double dt, Instant now) {
        if (dt <= 0) {
            return;
        }
        if (now.isAfter(this.now)) {
            this.now = now;
        }
        if (charging) {
            stepCharging(dt);
        } else {
            stepDriving(dt, now);
        }
        // Pack temperature relaxes towards ambient plus a load term.
        double load = Math.abs(current) / 300.0;
        double target = ambientTemp + 4 + 20 * load;
        packTemp += (target - packTemp) * Math.min(1, dt / 600.0);
        // Tyres warm with speed (about 25 K above ambient at 130 km/h) within a few minutes.
        double tireTarget = ambientTemp + 25 * Math.min(1, speed * 3.6 / 130);
        tireTemp += (tireTarget - tireTemp) * Math.min(1, dt / 300.0);
        stepDtcs(dt);
    }

    private void stepDriving(double dt, Instant now) {
        secondsToNewTarget -= dt;
        if (secondsToNewTarget <= 0) {
            newTarget();
        }
        if (soc < CHARGE_BELOW_PERCENT) {
            // Low battery: pull over (then charge) instead of driving on to an empty pack.
            targetSpeed = 0;
        }
        double dv = targetSpeed - speed;
        double maxChange = (dv > 0 ? MAX_ACCEL : MAX_DECEL) * dt;
        speed = Math.max(0, speed + Math.max(-maxChange, Math.min(maxChange, dv)));
        double moved = speed * dt;
        distance += moved;
        odometerKm += moved / 1000;
        tripKm += moved / 1000;
        // Energy: rolling + aero grows with speed squared; a little regeneration when braking.
        double kmh = speed * 3.6;
        double perKm = CONSUMPTION_KWH_PER_KM * (0.7 + (kmh * kmh) / 12_000.0);
        double energyKwh = perKm * moved / 1000 / Math.max(0.5, soh / 100.0);
        soc = Math.max(0, soc - 100 * energyKwh / CAPACITY_KWH);
        double powerKw = dt > 0 ? energyKwh * 3600 / dt : 0;
        current = powerKw * 1000 / voltage();
        if (soc < CHARGE_BELOW_PERCENT && speed < 0.5) {
            charging = true;
            tripStart = now;
            tripKm = 0;
        }
    }

    private void stepCharging(double dt) {
        speed = 0;
        chargeKw = soc < 80 ? 50 : 11;
        double addedKwh = chargeKw * dt / 3600;
        soc = Math.min(100, soc + 100 * addedKwh / CAPACITY_KWH);
        current = -chargeKw * 1000 / voltage();
        // Each full equivalent cycle costs about 0.004 % of health.
        soh = Math.max(60, soh - 0.004 * addedKwh / CAPACITY_KWH);
        if (soc >= CHARGE_LIMIT_PERCENT) {
            charging = false;
            chargeKw = 0;
            newTarget();
        }
    }

    private void stepDtcs(double dt) {
        if (!dtcs.isEmpty()) {
            dtcClearIn -= dt;
            if (dtcClearIn <= 0) {
                dtcs.clear();
            }
        } else if (random.nextDouble() < dt / 7200.0) {
            dtcs.add(DTC_CODES.get(random.nextInt(DTC_CODES.size())));
            dtcClearIn = 300 + random.nextDouble() * 900;
        }
    }

    private void newTarget() {
        double r = random.nextDouble();
        if (r < 0.12) {
            targetSpeed = 0;                              // traffic light / stop
            secondsToNewTarget = 10 + random.nextDouble() * 40;
        } else if (r < 0.7) {
            targetSpeed = (30 + random.nextDouble() * 25) / 3.6; // town
            secondsToNewTarget = 30 + random.nextDouble() * 90;
        } else {
            targetSpeed = (80 + random.nextDouble() * 50) / 3.6; // highway
            secondsToNewTarget = 60 + random.nextDouble() * 240;
        }
    }

    /** Pack voltage from state of charge (a 96s NMC pack). */
    public double voltage() {
        return 96 * (3.4 + 0.8 * soc / 100.0);
    }

    public double speedKmh() {
        return speed * 3.6;
    }

    public double[] position() {
        return route.positionAt(distance);
    }

    public double odometerKm() {
        return odometerKm;
    }

    public double tripKm() {
        return tripKm;
    }

    public Instant tripStart() {
        return tripStart;
    }

    public double stateOfCharge() {
        return soc;
    }

    public double stateOfHealth() {
        return soh;
    }

    public double packTemperature() {
        return packTemp;
    }

    public double current() {
        return current;
    }

    public boolean charging() {
        return charging;
    }

    /** Remaining range in metres at the nominal consumption. */
    public double rangeMeters() {
        return soc / 100.0 * CAPACITY_KWH * soh / 100.0 / CONSUMPTION_KWH_PER_KM * 1000;
    }

    /** Tyre pressures in kPa: the cold pressure scaled by absolute tyre temperature (gas law). */
    public double[] tirePressures() {
        double[] p = new double[4];
        for (int i = 0; i < 4; i++) {
            p[i] = coldTirePressure[i] * (tireTemp + 273.15) / (ambientTemp + 273.15);
        }
        return p;
    }

    /** Range gained per hour of charging, in km/h (0 when not charging). */
    public double chargeRateKmPerHour() {
        return charging ? chargeKw / CONSUMPTION_KWH_PER_KM : 0;
    }

    public List<String> dtcs() {
        return List.copyOf(dtcs);
    }

    /** Spread of cell temperatures around the average (degC). */
    public double temperatureSpread() {
        return 1.5 + Math.abs(current) / 200.0;
    }
}
