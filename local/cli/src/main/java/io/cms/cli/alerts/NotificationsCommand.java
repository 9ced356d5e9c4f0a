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

/** {@code cms alerts list --vin V [--limit N]}: a vehicle's notifications, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List a vehicle's notifications, newest first.")
public final class NotificationsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "The vehicle.")
    String vin;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 100) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be 1-100, got " + limit);
        }
        JsonNode data = local.graphql().query(GraphQlClient.Api.ALERTS_FRONTEND,
                "query L($vin: String!, $limit: Int) { listNotifications(vin: $vin, limit: $limit) { items { createdAt alarmType message read } } }",
                Json.object().put("vin", vin).put("limit", limit));
        PrintWriter out = spec.commandLine().getOut();
        JsonNode items = data.at("/listNotifications/items");
        if (items.isEmpty()) {
            out.println("no notifications for " + vin);
        }
        for (JsonNode n : items) {
            out.printf("%s  %-24s %s%s%n", n.path("createdAt").asText(), n.path("alarmType").asText(), n.path("message").asText(),
                    n.path("read").asBoolean() ? "" : "  (unread)");
        }
        return ExitCodes.OK;
    }
}
