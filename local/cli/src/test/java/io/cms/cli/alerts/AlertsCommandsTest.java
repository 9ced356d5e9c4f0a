package io.cms.cli.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.testing.Cms;
import io.cms.cli.testing.Cms.Run;
import io.cms.cli.ExitCodes;
import io.cms.local.CmsLocal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;

/** The alerts commands against a CMS Local started in the test, found through its cms-local.json. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsCommandsTest {

    private static final String VIN = "5YJ3E1EA7KF317004";

    @RegisterExtension
    static final RunningCmsLocal LOCAL = new RunningCmsLocal();

    private static Run cms(String... args) {
        return Cms.run(args);
    }

    @Test
    void subscribePublishAndReadTheOutbox() {
        Run subscribe = cms("alerts", "subscribe", "--local", LOCAL.dir().toString(), "--email", "ops@example.com", "--vin", VIN);
        assertThat(subscribe.exit()).as(subscribe.err()).isEqualTo(ExitCodes.OK);

        Run publish = cms("alerts", "publish", "--local", LOCAL.dir().toString(), "--vin", VIN, "--message", "coolant low");
        assertThat(publish.exit()).as(publish.err()).isEqualTo(ExitCodes.OK);
        assertThat(publish.out()).contains("published VEHICLE_ALARM for " + VIN);

        Run subscriptions = cms("alerts", "subscriptions", "--local", LOCAL.dir().toString(), "--email", "ops@example.com");
        assertThat(subscriptions.out()).contains(VIN).contains("VEHICLE_ALARM").contains("CONFIRMED");

        Run list = cms("alerts", "list", "--local", LOCAL.dir().toString(), "--vin", VIN);
        assertThat(list.out()).contains("coolant low");

        Run outbox = cms("alerts", "outbox", "--local", LOCAL.dir().toString(), "--to", "ops@example.com");
        assertThat(outbox.out()).contains("coolant low");
    }

    @Test
    void anUnknownAlarmTypeIsAUsageErrorWithTheApisReason() {
        Run run = cms("alerts", "publish", "--local", LOCAL.dir().toString(), "--vin", VIN, "--type", "NOT_A_TYPE", "--message", "x");

        assertThat(run.exit()).isNotEqualTo(ExitCodes.OK);
        assertThat(run.err()).contains("NOT_A_TYPE");
    }

    @Test
    void aBadVinIsRefusedWithItsReason() {
        Run run = cms("alerts", "publish", "--local", LOCAL.dir().toString(), "--vin", "not-a-vin", "--message", "x");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).containsIgnoringCase("vin");
    }

    @Test
    void withoutARunningCmsLocalTheErrorSaysSo(@TempDir Path empty) {
        Run run = cms("alerts", "list", "--local", empty.toString(), "--vin", VIN);

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("cms:");
    }

    @Test
    void anOutOfRangeLimitIsRefusedBeforeAnyCall() {
        Run run = cms("alerts", "list", "--local", LOCAL.dir().toString(), "--vin", VIN, "--limit", "0");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--limit");
    }
}
