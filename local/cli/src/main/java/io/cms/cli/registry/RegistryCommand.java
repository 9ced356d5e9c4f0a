package io.cms.cli.registry;

import io.cms.cli.local.LocalConnection;
import io.cms.lambda.common.BadInputException;
import io.cms.local.LocalEndpoints;
import io.cms.provisioning.VehicleRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code cms registry}: the authorized-vehicle registry of Vehicle Provisioning. Connection options
 * may be given here or after a subcommand, or through the environment.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Manage the vehicles allowed to provision (AuthorizedVehicles).",
        subcommands = {AuthorizeCommand.class, ListCommand.class, RevokeCommand.class, ImportCommand.class})
public final class RegistryCommand implements Runnable {

    private final RegistryConnector connector;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--table", scope = ScopeType.INHERIT, defaultValue = "${env:CMS_AUTHORIZED_VEHICLES_TABLE}",
            description = "AuthorizedVehicles table name (env CMS_AUTHORIZED_VEHICLES_TABLE).")
    String table;

    @Option(names = "--provisioned-table", scope = ScopeType.INHERIT, defaultValue = "${env:CMS_PROVISIONED_VEHICLES_TABLE}",
            description = "ProvisionedVehicles table name (env CMS_PROVISIONED_VEHICLES_TABLE); needed by revoke.")
    String provisionedTable;

    @Option(names = "--region", scope = ScopeType.INHERIT, defaultValue = "${env:AWS_REGION}",
            description = "AWS region (env AWS_REGION).")
    String region;

    @Option(names = "--endpoint-url", scope = ScopeType.INHERIT, defaultValue = "${env:AWS_ENDPOINT_URL_DYNAMODB}",
            description = "DynamoDB endpoint, e.g. DynamoDB Local of CMS Local (env AWS_ENDPOINT_URL_DYNAMODB).")
    String endpointUrl;

    @Option(names = "--iot-endpoint-url", scope = ScopeType.INHERIT, defaultValue = "${env:AWS_ENDPOINT_URL_IOT}",
            description = "IoT control-plane endpoint override (env AWS_ENDPOINT_URL_IOT).")
    String iotEndpointUrl;

    @Option(names = "--local", scope = ScopeType.INHERIT, paramLabel = "DATA_DIR",
            description = "Work on the CMS Local of this data directory instead of AWS: its DynamoDB Local tables and its "
                    + "IoT registry (revoke closes the vehicle's connections). Replaces --table, --provisioned-table, "
                    + "--region, --endpoint-url and --iot-endpoint-url.")
    Path localDir;

    public RegistryCommand(RegistryConnector connector) {
        this.connector = connector;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a subcommand: authorize, list, revoke or import");
    }

    /** Opens the registry; {@code needsProvisionedTable} for commands that touch certificates. */
    VehicleRegistry open(boolean needsProvisionedTable) {
        if (localDir != null) {
            // A clear message when CMS Local is not running there (its DynamoDB Local holds the tables).
            LocalConnection local = new LocalConnection(localDir, LocalEndpoints.read(localDir)).requireReachable();
            return new VehicleRegistry(local.registryStore(),
                    new CmsLocalIotRegistry(localDir, spec.commandLine().getErr(), CmsLocalIotRegistry.APPLY_TIMEOUT));
        }
        if (table == null || table.isBlank()) {
            throw new BadInputException("no AuthorizedVehicles table: pass --table or set CMS_AUTHORIZED_VEHICLES_TABLE");
        }
        if (needsProvisionedTable && (provisionedTable == null || provisionedTable.isBlank())) {
            throw new BadInputException("no ProvisionedVehicles table: pass --provisioned-table or set CMS_PROVISIONED_VEHICLES_TABLE");
        }
        String provisioned = provisionedTable == null || provisionedTable.isBlank() ? "-" : provisionedTable;
        return connector.open(new RegistryConnector.Target(table, provisioned, blankToNull(region),
                uri("--endpoint-url", endpointUrl), uri("--iot-endpoint-url", iotEndpointUrl)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static URI uri(String option, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new BadInputException(option + " must be an http(s) URL, got '" + v + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new BadInputException(option + " must be an http(s) URL, got '" + v + "'");
        }
    }
}
