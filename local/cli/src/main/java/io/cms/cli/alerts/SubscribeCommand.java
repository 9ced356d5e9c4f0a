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

/** {@code cms alerts subscribe --email E --vin V [--type T] [--off]}: email an address a vehicle's alerts (or stop). */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Email an address the alerts of a vehicle (--off to stop).")
public final class SubscribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalOptions local;

    @Option(names = "--email", required = true, description = "The address.")
    String email;

    @Option(names = "--vin", required = true, description = "The vehicle.")
    String vin;

    @Option(names = "--type", defaultValue = "VEHICLE_ALARM", description = "Alarm type (default: ${DEFAULT-VALUE}).")
    String alarmType;

    @Option(names = "--off", description = "Stop emailing instead.")
    boolean off;

    @Override
    public Integer call() {
        var variables = Json.object().put("email", email);
        variables.putArray("alarms").addObject().put("alarmType", alarmType).put("vin", vin).put("emailEnabled", !off);
        local.graphql().query(GraphQlClient.Api.ALERTS_FRONTEND,
                "mutation S($email: String!, $alarms: [AlarmInput!]!) { updateUserSubscriptions(email: $email, alarms: $alarms) }",
                variables);
        spec.commandLine().getOut().println((off ? "unsubscribed " : "subscribed ") + email + " to " + alarmType + " of " + vin);
        return ExitCodes.OK;
    }
}
