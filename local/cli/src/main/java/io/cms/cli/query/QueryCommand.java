package io.cms.cli.query;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cms query latest|vehicles|history}: the vehicle API of CMS Local. */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Read vehicle data through the GraphQL API.",
        subcommands = {LatestCommand.class, VehiclesCommand.class, HistoryCommand.class})
public final class QueryCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: latest, vehicles or history");
    }
}
