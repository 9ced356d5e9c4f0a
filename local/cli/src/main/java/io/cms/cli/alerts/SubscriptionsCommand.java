package io.cms.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.GraphQlClient;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cms alerts subscriptions --email E}: what an address is subscribed to. */
@Command(name = "subscriptions", mixinStandardHelpOptions = true, description = "Show what an address is subscribed to.")
public final class SubscriptionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--email", required = true, description = "The address.")
    String email;

    @Override
    public Integer call() {
        JsonNode data = local.graphql().query(GraphQlClient.Api.ALERTS_FRONTEND,
                "query G($email: String!) { getUserSubscriptions(email: $email) { email emailEnabled alarms { vin alarmType status } } }",
                Json.object().put("email", email));
        PrintWriter out = spec.commandLine().getOut();
        JsonNode preference = data.path("getUserSubscriptions");
        out.println(email + (preference.path("emailEnabled").asBoolean() ? " (email enabled)" : " (no email)"));
        for (JsonNode alarm : preference.path("alarms")) {
            out.printf("  %-17s  %-24s %s%n", alarm.path("vin").asText(), alarm.path("alarmType").asText(),
                    alarm.path("status").asText());
        }
        return ExitCodes.OK;
    }
}
