package io.cms.cli.vehicle;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cms vehicle setup|list|publish}: vehicles against CMS Local. */
@Command(name = "vehicle", mixinStandardHelpOptions = true,
        description = "Set up, list and publish as vehicles against CMS Local.",
        subcommands = {SetupCommand.class, ListCommand.class, PublishCommand.class})
public final class VehicleCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: setup, list or publish");
    }
}
