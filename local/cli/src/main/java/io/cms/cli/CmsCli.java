package io.cms.cli;

import io.cms.cli.alerts.AlertsCommand;
import io.cms.cli.local.LocalCommand;
import io.cms.cli.query.QueryCommand;
import io.cms.cli.registry.RegistryCommand;
import io.cms.cli.registry.RegistryConnector;
import io.cms.cli.simulate.SimulateCommand;
import io.cms.cli.vehicle.VehicleCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cms}: the project's command line. The root only groups subcommands; each lives in its own
 * class. Exit codes: {@link ExitCodes}.
 */
@Command(name = "cms", mixinStandardHelpOptions = true, version = "cms 0.1.0",
        description = "Operate a CMS deployment (or CMS Local).",
        subcommands = {LocalCommand.class, RegistryCommand.class, VehicleCommand.class, SimulateCommand.class,
            QueryCommand.class, AlertsCommand.class})
public final class CmsCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** The command line with every subcommand, connected to AWS (or to emulators named by the options). */
    public static CommandLine commandLine() {
        return commandLine(RegistryConnector.aws());
    }

    /** The command line with the registry commands connected through {@code connector} (tests pass a local one). */
    public static CommandLine commandLine(RegistryConnector connector) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine cli = new CommandLine(new CmsCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == RegistryCommand.class) {
                    return cls.cast(new RegistryCommand(connector));
                }
                return defaults.create(cls);
            }
        });
        cli.setExecutionExceptionHandler(new ErrorHandler());
        // Bad arguments: one line naming the problem and where to get help, exit code 2.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("cms: " + e.getMessage());
            cmd.getErr().println("cms: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
            return ExitCodes.USAGE;
        });
        return cli;
    }

    public static void main(String[] args) {
        io.cms.local.CmsLocalMain.useLocalLogging();
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command, e.g. 'cms registry list'");
    }
}
