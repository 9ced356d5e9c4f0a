package io.cms.cli.vehicle;

import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalConnection;
import io.cms.cli.local.LocalOptions;
import io.cms.provisioning.AuthorizedVehicle;
import io.cms.provisioning.ProvisioningStore;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cms vehicle list [--local DIR]}: the vehicles set up in this data directory and their registry state. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the vehicles whose credentials are stored in the data directory, with their registry state.")
public final class ListCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    LocalOptions local;

    @Override
    public Integer call() {
        LocalConnection c = local.connect();
        ProvisioningStore store = c.registryStore();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-17s  %-10s  %-24s  %s%n", "VIN", "STATE", "VEHICLE", "CERTIFICATE");
        for (String vin : c.storedVins()) {
            Optional<VehicleCredentials> stored = c.credentials(vin);
            Optional<AuthorizedVehicle> v = store.vehicle(vin);
            String what = v.map(a -> a.make() + " " + a.model() + " " + a.year()).orElse("-");
            if (stored.isEmpty()) {
                // Some files are missing (a set-up interrupted while storing them): set it up again.
                out.printf("%-17s  %-10s  %-24s  %s%n", vin, "incomplete", what, "- (run 'cms vehicle setup --vin " + vin + "')");
                continue;
            }
            VehicleCredentials creds = stored.get();
            // Provisioning consumes the authorization, so allow_provisioning is false for a vehicle
            // in service; revoked means no active certificate left.
            String state = v.map(a -> a.activeCertificateId() == null ? "revoked"
                    : VehicleSetup.isCurrent(creds, a) ? "active" : "superseded").orElse("unknown");
            out.printf("%-17s  %-10s  %-24s  %s%n", vin, state, what, creds.certificateId());
        }
        return ExitCodes.OK;
    }
}
