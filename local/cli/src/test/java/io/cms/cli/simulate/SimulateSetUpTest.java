package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.local.LocalConnection;
import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.vehicle.VehicleSetup;
import io.cms.local.LocalEndpoints;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How {@code cms simulate} sets up its vehicles against CMS Local. */
class SimulateSetUpTest {

    @RegisterExtension
    static final RunningCmsLocal LOCAL = new RunningCmsLocal();

    @Test
    void aVehicleAnotherRunSetUpBetweenTheReadAndItsSetUpIsNotProvisionedAgain() {
        LocalConnection c = new LocalConnection(LOCAL.dir(), LocalEndpoints.read(LOCAL.dir()));
        VehicleSetup setup = new VehicleSetup(c, Duration.ofSeconds(15), Clock.systemUTC());
        String vin = VehicleIdentity.vin("RCK", 1);
        FleetSetUp.Vehicles vehicles = SimulateCommand.vehicles(setup);
        assertThat(vehicles.current(vin)).as("read phase: not set up yet").isEmpty();

        // Another cms simulate on the same data directory sets the vehicle up meanwhile.
        VehicleCredentials theOtherRuns = setup.setUp(vin, null, null, null, false).credentials();
        VehicleCredentials ours = vehicles.setUp(vin);

        assertThat(ours.certificateId()).as("the stored certificate, not a new one").isEqualTo(theOtherRuns.certificateId());
        assertThat(LOCAL.local().vehicleRegistry().get(vin).orElseThrow().activeCertificateId())
                .as("the other run's certificate is still the active one").isEqualTo(theOtherRuns.certificateId());
    }
}
