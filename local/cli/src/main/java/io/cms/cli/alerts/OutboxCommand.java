package io.cms.cli.alerts;

import io.cms.alerts.local.LocalOutbox;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalConnection;
import io.cms.cli.local.LocalOptions;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cms alerts outbox [--to E]}: the alert emails CMS Local "sent" (its stand-in for SNS email). */
@Command(name = "outbox", mixinStandardHelpOptions = true, description = "Show the alert emails CMS Local has sent.")
public final class OutboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--to", description = "Only emails to this address.")
    String to;

    @Override
    public Integer call() {
        LocalConnection connection = local.connect();
        LocalOutbox outbox = new LocalOutbox(connection.dataDir().resolve("outbox"), Clock.systemUTC());
        List<LocalOutbox.OutboxEmail> emails = to == null ? outbox.emails() : outbox.emailsTo(to);
        PrintWriter out = spec.commandLine().getOut();
        if (emails.isEmpty()) {
            out.println(to == null ? "the outbox is empty" : "no emails to " + to);
        }
        for (LocalOutbox.OutboxEmail e : emails) {
            out.printf("%s  to %s  [%s] %s%n", e.sentAt(), e.to(), e.subject(), e.message());
        }
        return ExitCodes.OK;
    }
}
