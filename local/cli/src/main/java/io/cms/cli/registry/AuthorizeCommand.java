package io.cms.cli.registry;

import io.cms.cli.ExitCodes;
import io.cms.provisioning.AuthorizedVehicle;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cms registry authorize VIN --make M --model M --year YYYY}. */
@Command(name = "authorize", mixinStandardHelpOptions = true,
        description = "Allow a vehicle to provision (creates it, or updates it and allows it again).")
public final class AuthorizeCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    private RegistryCommand registry;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VIN", description = "17 upper-case letters and digits, no I, O or Q.")
    String vin;

    @Option(names = "--make", required = true, description = "Make, e.g. Honda.")
    String make;

    @Option(names = "--model", required = true, description = "Model, e.g. Accord.")
    String model;

    @Option(names = "--year", required = true, description = "Four-digit model year.")
    String year;

    @Override
    public Integer call() {
        AuthorizedVehicle v = registry.open(false).authorize(vin, make, model, year);
        spec.commandLine().getOut().printf("authorized %s (%s %s %s)%n", v.vin(), v.make(), v.model(), v.year());
        return ExitCodes.OK;
    }
}
