package io.cms.cli.alerts;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cms alerts publish|subscribe|subscriptions|list|outbox}: the Alerts APIs of CMS Local. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Publish alerts, manage email subscriptions, list notifications and read the local outbox.",
        subcommands = {PublishAlertCommand.class, SubscribeCommand.class, SubscriptionsCommand.class,
            NotificationsCommand.class, OutboxCommand.class})
public final class AlertsCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: publish, subscribe, subscriptions, list or outbox");
    }
}
