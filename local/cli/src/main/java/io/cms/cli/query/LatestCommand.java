package io.cms.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.GraphQlClient;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import io.cms.vss.VssCatalog;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cms query latest --vin V [--json]}: a vehicle's latest state. */
@Command(name = "latest", mixinStandardHelpOptions = true, description = "Show a vehicle's latest state.")
public final class LatestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "The vehicle.")
    String vin;

    @Option(names = "--json", description = "Print the API's JSON instead of one line per signal.")
    boolean json;

    @Override
    public Integer call() {
        String v = Vin.require(vin);
        VehicleSelection selection = VehicleSelection.all(VssCatalog.load());
        JsonNode data = local.graphql().query(GraphQlClient.Api.VEHICLES,
                "query L($vin: String!) { getVehicle(vin: $vin) " + selection.selection() + " }", Json.object().put("vin", v));
        JsonNode vehicle = data.path("getVehicle");
        PrintWriter out = spec.commandLine().getOut();
        if (vehicle.isNull() || vehicle.isMissingNode()) {
            spec.commandLine().getErr().println("cms: " + v + " has sent no telemetry yet");
            return ExitCodes.NOT_FOUND;
        }
        if (json) {
            out.println(Json.write(vehicle));
            return ExitCodes.OK;
        }
        out.println(v + " at " + Instant.ofEpochMilli(vehicle.path("timestamp").asLong()));
        for (Map.Entry<String, JsonNode> e : selection.values(vehicle).entrySet()) {
            String unit = selection.unit(e.getKey());
            out.printf("  %-58s %s%s%n", e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString(),
                    unit == null || unit.isEmpty() ? "" : " " + unit);
        }
        return ExitCodes.OK;
    }
}
