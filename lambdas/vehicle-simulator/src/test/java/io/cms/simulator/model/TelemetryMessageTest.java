package io.cms.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.connectstore.telemetry.Verdict;
import io.cms.lambda.common.Json;
import io.cms.vss.Signal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TelemetryMessageTest {

    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final String TIRE = "/Vehicle/Chassis/Axle/Row1/Wheel/Left/Tire/Pressure";

    private static VehicleModel model(long seed) {
        return new VehicleModel(seed, Route.loop(48.14, 11.58, 3000 + seed * 7, 12, seed), T0);
    }

    @Test
    void thousandsOfMessagesFromManyVehiclesAllPassTheIngestValidator() {
        TelemetryValidator validator = new TelemetryValidator(TelemetryMessage.catalog());
        List<String> rejected = new ArrayList<>();
        int messages = 0;
        int withDtcs = 0;
        int charging = 0;
        for (int v = 0; v < 120; v++) {
            VehicleIdentity id = VehicleIdentity.forVin(VehicleIdentity.vin("VAL", v));
            VehicleModel m = model(v);
            Instant t = T0;
            // 100 steps of 30 s to 5 min: driving, stopping, charging and DTCs all occur across the fleet.
            for (int i = 0; i < 100; i++) {
                int dt = 30 + (i * 37 + v) % 270;
                t = t.plusSeconds(dt);
                m.step(dt, t);
                JsonNode message = TelemetryMessage.build(id, m, t);
                withDtcs += message.at("/Vehicle/OBD/DTCList").isEmpty() ? 0 : 1;
                charging += message.at("/Vehicle/Powertrain/TractionBattery/Charging/IsCharging").asBoolean() ? 1 : 0;
                byte[] payload = Json.write(message).getBytes(StandardCharsets.UTF_8);
                Verdict verdict = validator.validate("cms/data/" + id.vin() + "/telemetry", payload, t.toEpochMilli());
                messages++;
                if (verdict instanceof Verdict.Rejected r) {
                    rejected.add(r.reason() + ": " + r.detail());
                }
            }
        }
        assertThat(messages).isEqualTo(12_000);
        // The run covers the rare states too, so their values were validated as well.
        assertThat(withDtcs).isPositive();
        assertThat(charging).isPositive();
        assertThat(rejected).isEmpty();
    }

    @Test
    void tirePressuresAreWholeKilopascalsBecauseTheCatalogTypesThemAsIntegers() {
        VehicleModel m = model(9);
        m.step(120, T0.plusSeconds(120));
        JsonNode msg = TelemetryMessage.build(VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 9)), m, T0.plusSeconds(120));
        assertThat(msg.at(TIRE).isIntegralNumber()).isTrue();
        assertThat(msg.at(TIRE).asLong()).isBetween(200L, 320L);
        assertThat(msg.at("/Vehicle/Powertrain/TractionBattery/Range").isIntegralNumber()).isTrue();
    }

    @Test
    void tyrePressureRisesAsTyresWarmWhileDriving() {
        VehicleModel m = model(21);
        double cold = m.tirePressures()[0];
        Instant t = T0;
        for (int i = 0; i < 900; i++) {
            t = t.plusSeconds(1);
            m.step(1, t);
        }
        assertThat(m.odometerKm()).isPositive();
        assertThat(m.tirePressures()[0]).isGreaterThan(cold);
    }

    @Test
    void signalsFollowCatalogOrderAndLeaveOutTheFuelSystemOfAnElectricVehicle() {
        VehicleModel m = model(4);
        Map<String, Object> signals = TelemetryMessage.signals(VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 4)), m, T0);
        List<String> catalogOrder = TelemetryMessage.catalog().signals().stream().map(Signal::path)
                .filter(signals::containsKey).toList();
        assertThat(List.copyOf(signals.keySet())).isEqualTo(catalogOrder);
        assertThat(signals.keySet()).noneMatch(p -> p.startsWith("Vehicle.Powertrain.FuelSystem."));
        assertThat(TelemetryMessage.catalog().signals()).anyMatch(s -> s.path().startsWith("Vehicle.Powertrain.FuelSystem."));
    }

    @Test
    void everyModelledQuantityIsACatalogSignal() {
        Set<String> catalog = new HashSet<>(TelemetryMessage.catalog().byPath().keySet());
        Map<String, Object> modelled = TelemetryMessage.modelled(VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 1)), model(1), T0);
        assertThat(catalog).containsAll(modelled.keySet());
    }

    @Test
    void theVinIsTheSameInEveryMessageOfAVehicle() {
        VehicleIdentity id = VehicleIdentity.forVin(VehicleIdentity.vin("CMS", 77));
        VehicleModel m = model(77);
        Set<String> vins = new HashSet<>();
        Instant t = T0;
        for (int i = 0; i < 50; i++) {
            t = t.plusSeconds(10);
            m.step(10, t);
            JsonNode msg = TelemetryMessage.build(id, m, t);
            vins.add(msg.get("vin").asText());
            vins.add(msg.at("/Vehicle/VehicleIdentification/VIN").asText());
        }
        assertThat(vins).containsExactly(id.vin());
    }

    @Test
    void integerSignalsAreClampedAndRoundedIntoTheirRange() {
        var range = new io.cms.vss.SimulatorRanges.Range(0, 1000, true);
        assertThat(TelemetryMessage.fit(range, 241.6)).isEqualTo(242L);
        assertThat(TelemetryMessage.fit(range, -3)).isEqualTo(0L);
        assertThat(TelemetryMessage.fit(range, 1e9)).isEqualTo(1000L);
        assertThat(TelemetryMessage.fit(new io.cms.vss.SimulatorRanges.Range(-60, 150, false), 151.2)).isEqualTo(150.0);
    }
}
