package io.cms.cli.alerts;

import io.cms.cli.ExitCodes;
import io.cms.cli.local.GraphQlClient;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cms alerts publish --vin V --type T --message M}: the Alerts publish mutation. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish an alert for a vehicle.")
public final class PublishAlertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "The vehicle.")
    String vin;

    @Option(names = "--type", defaultValue = "VEHICLE_ALARM", description = "Alarm type (default: ${DEFAULT-VALUE}).")
    String alarmType;

    @Option(names = "--message", required = true, description = "The alert text.")
    String message;

    @Override
    public Integer call() {
        var data = local.graphql().query(GraphQlClient.Api.ALERTS_PUBLISH,
                "mutation P($vin: String!, $t: AlarmType!, $m: String!) { publish(vin: $vin, alarmType: $t, message: $m) { status message } }",
                Json.object().put("vin", vin).put("t", alarmType).put("m", message));
        spec.commandLine().getOut().println("published " + alarmType + " for " + vin + " (message id "
                + data.at("/publish/message").asText() + ")");
        return ExitCodes.OK;
    }
}
