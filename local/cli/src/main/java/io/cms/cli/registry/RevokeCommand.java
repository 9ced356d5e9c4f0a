package io.cms.cli.registry;

import io.cms.cli.ExitCodes;
import io.cms.provisioning.VehicleRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cms registry revoke VIN}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Stop a vehicle from provisioning and deactivate its certificates (table and IoT). Safe to repeat.")
public final class RevokeCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    private RegistryCommand registry;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VIN", description = "The vehicle to revoke.")
    String vin;

    @Override
    public Integer call() {
        VehicleRegistry.Revocation r = registry.open(true).revoke(vin);
        spec.commandLine().getOut().printf("revoked %s: active certificate %s, %d certificate(s) deactivated in IoT%s%n",
                r.vin(), r.previouslyActiveCertificateId() == null ? "none" : r.previouslyActiveCertificateId(),
                r.deactivatedInIot(), r.alreadyGoneFromIot() == 0 ? ""
                        : ", " + r.alreadyGoneFromIot() + " already gone from IoT (deleted: cannot connect)");
        return ExitCodes.OK;
    }
}
