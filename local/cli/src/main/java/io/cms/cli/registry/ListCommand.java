package io.cms.cli.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.cli.ExitCodes;
import io.cms.lambda.common.Json;
import io.cms.provisioning.AuthorizedVehicle;
import io.cms.provisioning.Page;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cms registry list [--limit N] [--next-token T] [--json]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List authorized vehicles, one page at a time.")
public final class ListCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    private RegistryCommand registry;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", defaultValue = "100", description = "Vehicles per page, 1..1000 (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--next-token", description = "The token printed after the previous page.")
    String nextToken;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        Page<AuthorizedVehicle> page = registry.open(false).list(limit, nextToken);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode doc = Json.object();
            ArrayNode items = doc.putArray("vehicles");
            for (AuthorizedVehicle v : page.items()) {
                ObjectNode item = items.addObject();
                item.put("vin", v.vin()).put("make", v.make()).put("model", v.model()).put("year", v.year())
                        .put("allowProvisioning", v.allowProvisioning()).put("activeCertificateId", v.activeCertificateId());
            }
            doc.put("nextToken", page.nextToken());
            out.println(Json.write(doc));
            return ExitCodes.OK;
        }
        out.printf("%-17s  %-16s  %-16s  %-4s  %-7s  %s%n", "VIN", "MAKE", "MODEL", "YEAR", "ALLOWED", "ACTIVE CERTIFICATE");
        for (AuthorizedVehicle v : page.items()) {
            out.printf("%-17s  %-16s  %-16s  %-4s  %-7s  %s%n", v.vin(), v.make(), v.model(), v.year(),
                    v.allowProvisioning() ? "yes" : "no", v.activeCertificateId() == null ? "-" : v.activeCertificateId());
        }
        if (page.nextToken() != null) {
            out.println("more: --next-token " + page.nextToken());
        }
        return ExitCodes.OK;
    }
}
