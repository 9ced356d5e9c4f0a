package io.cms.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import io.cms.local.CmsLocal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's flow end to end, only through the {@code cms} command as a user types it: CMS
 * Local running, a vehicle set up by claim, telemetry over TLS read back through the GraphQL API
 * (latest state and history from the lake), an alarm raised by the vehicle reaching a subscriber's
 * outbox, and a vehicle refused on another VIN's topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {

    private static final String VIN = "WVWZZZ1JZXW000001";
    private static final String OTHER_VIN = "WVWZZZ1JZXW000002";

    @RegisterExtension
    static final RunningCmsLocal LOCAL = new RunningCmsLocal();

    private Run cms(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--local";
        all[args.length + 1] = LOCAL.dir().toString();
        return Cms.run(all);
    }

    /** Runs the command until its output satisfies {@code done} (ingest and the lake commit are asynchronous). */
    private Run until(Predicate<Run> done, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Run run;
        do {
            run = cms(args);
            if (done.test(run)) {
                return run;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("'cms " + String.join(" ", args) + "' never got there; last output: " + run);
    }

    @Test
    void setUpAVehiclePublishQueryAndAlert() throws Exception {
        Run setup = cms("vehicle", "setup", "--vin", VIN, "--make", "VW", "--model", "Golf", "--year", "2024");
        assertThat(setup.exit()).as(setup.err()).isEqualTo(ExitCodes.OK);

        Path telemetry = LOCAL.dir().resolve("telemetry.json");
        Files.writeString(telemetry, "{\"vin\":\"" + VIN + "\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"Vehicle\":{\"Speed\":63.5,\"Powertrain\":{\"TractionBattery\":{\"StateOfCharge\":{\"Current\":81.25}}}}}");
        Run publish = cms("vehicle", "publish", "--vin", VIN, "--file", telemetry.toString());
        assertThat(publish.exit()).as(publish.err()).isEqualTo(ExitCodes.OK);

        Run latest = until(r -> r.exit() == ExitCodes.OK, "query", "latest", "--vin", VIN);
        assertThat(latest.out()).contains("Vehicle.Speed").contains("63.5")
                .contains("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current").contains("81.25");

        Run history = until(r -> r.out().contains("1 record(s)"), "query", "history", "--vin", VIN,
                "--signals", "Vehicle.Speed", "--last", "1h");
        assertThat(history.out()).contains("Vehicle.Speed=63.5");
        assertThat(cms("query", "vehicles").out()).contains(VIN).contains("1 vehicle(s)");

        Run subscribe = cms("alerts", "subscribe", "--email", "fleet-ops@example.com", "--vin", VIN);
        assertThat(subscribe.exit()).as(subscribe.err()).isEqualTo(ExitCodes.OK);
        Path alarm = LOCAL.dir().resolve("alarm.json");
        Files.writeString(alarm, "{\"vin\":\"" + VIN + "\",\"message\":\"battery temperature high\"}");
        Run raise = cms("vehicle", "publish", "--vin", VIN, "--topic", "cms/notification/" + VIN, "--file", alarm.toString());
        assertThat(raise.exit()).as(raise.err()).isEqualTo(ExitCodes.OK);
        until(r -> r.out().contains("battery temperature high"), "alerts", "outbox", "--to", "fleet-ops@example.com");

        Run trespass = cms("vehicle", "publish", "--vin", VIN, "--topic", "cms/data/" + OTHER_VIN + "/telemetry",
                "--file", telemetry.toString());
        assertThat(trespass.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(trespass.err()).contains("refused");
    }

    @Test
    void queryingAnUnknownSignalOrABadRangeIsAUsageError() {
        Run unknown = cms("query", "history", "--vin", VIN, "--signals", "Vehicle.Warp", "--last", "1h");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("unknown signal 'Vehicle.Warp'");

        Run badTime = cms("query", "history", "--vin", VIN, "--signals", "Vehicle.Speed", "--from", "yesterday");
        assertThat(badTime.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTime.err()).contains("--from");

        Run noRange = cms("query", "history", "--vin", VIN, "--signals", "Vehicle.Speed");
        assertThat(noRange.exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aVehicleWithoutTelemetryIsNotFound() {
        Run run = cms("query", "latest", "--vin", "1FTFW1ET5DFC10312");
        assertThat(run.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("no telemetry");
    }
}
