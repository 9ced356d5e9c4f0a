package io.cms.cli.vehicle;

import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cms vehicle setup --vin V [--make M --model M --year Y] [--local DIR]}. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Authorize a VIN, provision it by claim over MQTT, store its credentials under",
                "<data-dir>/vehicles/<VIN>/ and announce it on vehicleactive/<VIN>."})
public final class SetupCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "17 upper-case letters and digits, no I, O or Q.")
    String vin;

    @Option(names = "--make", description = "Make (default: the registry's, or a simulated make for a VIN not yet authorized).")
    String make;

    @Option(names = "--model", description = "Model (default: the registry's, or a simulated model for a VIN not yet authorized).")
    String model;

    @Option(names = "--year", description = "Four-digit model year (default: the registry's, or a simulated year for a VIN not yet authorized).")
    String year;

    @Option(names = "--reprovision", description = "Provision a new certificate even when one is stored.")
    boolean reprovision;

    @Override
    public Integer call() {
        VehicleSetup.Result r;
        try {
            r = new VehicleSetup(local.connect(), Duration.ofSeconds(15),
                    Clock.systemUTC()).setUp(vin, make, model, year, reprovision);
        } catch (VehicleSetup.SetupFailedException e) {
            spec.commandLine().getErr().println("cms: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        spec.commandLine().getOut().printf("%s %s: certificate %s, credentials in %s; announced on vehicleactive/%s%n",
                r.provisioned() ? "provisioned" : "reused", r.vin(), r.certificateId(), r.credentialsDir(), r.vin());
        return ExitCodes.OK;
    }
}
