package io.cms.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.GraphQlClient;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cms query vehicles [--limit N]}: every vehicle that sent telemetry, page by page. */
@Command(name = "vehicles", mixinStandardHelpOptions = true, description = "List the vehicles that sent telemetry.")
public final class VehiclesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--limit", defaultValue = "100", description = "Vehicles per API page, 1-100 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 100) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be 1-100, got " + limit);
        }
        GraphQlClient client = local.graphql();
        PrintWriter out = spec.commandLine().getOut();
        String token = null;
        int count = 0;
        do {
            var variables = Json.object().put("limit", limit);
            if (token != null) {
                variables.put("next", token);
            }
            JsonNode page = client.query(GraphQlClient.Api.VEHICLES,
                    "query V($limit: Int, $next: String) { listVehiclesPage(limit: $limit, nextToken: $next) { items { vin timestamp } nextToken } }",
                    variables).path("listVehiclesPage");
            for (JsonNode v : page.path("items")) {
                out.printf("%s  last seen %s%n", v.path("vin").asText(), Instant.ofEpochMilli(v.path("timestamp").asLong()));
                count++;
            }
            token = page.path("nextToken").isTextual() ? page.path("nextToken").asText() : null;
        } while (token != null);
        out.println(count + " vehicle(s)");
        return ExitCodes.OK;
    }
}
