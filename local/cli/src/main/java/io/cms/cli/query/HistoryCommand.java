package io.cms.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.history.HistoryRequest;
import io.cms.cli.DurationOptions;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.GraphQlClient;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import io.cms.vss.VssCatalog;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cms query history --vin V --signals Vehicle.Speed[,...] (--last 1h | --from T --to T)}: a
 * vehicle's telemetry from the lake, oldest first, following the API's pages.
 */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Show a vehicle's telemetry over a time range.")
public final class HistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "The vehicle.")
    String vin;

    @Option(names = "--signals", required = true, split = ",", description = "VSS paths, comma-separated, e.g. Vehicle.Speed.")
    List<String> signals;

    @Option(names = "--last", description = "The range ending now, e.g. 15m, 1h, 24h (at most 744h, the API's longest range).")
    String last;

    @Option(names = "--from", description = "Range start, ISO-8601 (e.g. 2026-11-22T10:00:00Z).")
    String from;

    @Option(names = "--to", description = "Range end (exclusive), ISO-8601; default now.")
    String to;

    @Option(names = "--max", defaultValue = "1000", description = "Stop after this many records (default: ${DEFAULT-VALUE}).")
    int max;

    @Override
    public Integer call() {
        String v = Vin.require(vin);
        VehicleSelection selection = VehicleSelection.of(VssCatalog.load(), signals);
        Instant end = to == null ? Instant.now() : instant("--to", to);
        Instant start;
        if (last != null && from != null) {
            throw new BadInputException("give either --last or --from, not both");
        } else if (last != null) {
            start = end.minus(DurationOptions.parse("--last", last, HistoryRequest.MAX_RANGE));
        } else if (from != null) {
            start = instant("--from", from);
        } else {
            throw new BadInputException("give the range: --last 1h, or --from (and --to)");
        }
        if (max < 1) {
            throw new BadInputException("--max must be at least 1, got " + max);
        }
        GraphQlClient client = local.graphql();
        PrintWriter out = spec.commandLine().getOut();
        String query = "query H($vin: String!, $from: String!, $to: String!, $signals: [String!]!, $limit: Int, $next: String) "
                + "{ getVehicleHistory(vin: $vin, from: $from, to: $to, signals: $signals, limit: $limit, nextToken: $next) "
                + "{ items " + selection.selection() + " nextToken } }";
        String token = null;
        int count = 0;
        do {
            ObjectNode variables = Json.object().put("vin", v).put("from", start.toString()).put("to", end.toString())
                    .put("limit", Math.min(1000, max - count));
            selection.paths().forEach(variables.withArray("signals")::add);
            if (token != null) {
                variables.put("next", token);
            }
            JsonNode page = client.query(GraphQlClient.Api.VEHICLES, query, variables).path("getVehicleHistory");
            for (JsonNode item : page.path("items")) {
                StringBuilder line = new StringBuilder(Instant.ofEpochMilli(item.path("timestamp").asLong()).toString());
                for (Map.Entry<String, JsonNode> e : selection.values(item).entrySet()) {
                    line.append("  ").append(e.getKey()).append('=').append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue());
                }
                out.println(line);
                count++;
            }
            token = page.path("nextToken").isTextual() ? page.path("nextToken").asText() : null;
        } while (token != null && count < max);
        out.println(count + " record(s) for " + v + " in [" + start + ", " + end + ")");
        return ExitCodes.OK;
    }

    private static Instant instant(String option, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadInputException(option + " '" + text + "' is not an ISO-8601 instant such as 2026-11-22T10:00:00Z");
        }
    }
}
