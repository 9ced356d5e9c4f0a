package io.cms.cli.local;

import io.cms.local.LocalUpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cms local up}: CMS Local itself. */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run CMS Local.",
        subcommands = {LocalUpCommand.class})
public final class LocalCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: up");
    }
}
