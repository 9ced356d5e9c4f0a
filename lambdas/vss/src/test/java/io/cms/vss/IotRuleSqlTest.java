package io.cms.vss;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class IotRuleSqlTest {

    private static final LakeSchema SCHEMA = new LakeSchema(VssCatalog.load());

    @Test
    void lakeRowSelectsExactlyTheLakeColumnsInFileOrder() {
        Matcher m = Pattern.compile(" AS ([a-z0-9_]+)").matcher(IotRuleSql.lakeRow(SCHEMA));
        List<String> aliases = new ArrayList<>();
        while (m.find()) {
            aliases.add(m.group(1));
        }
        assertThat(aliases).isEqualTo(SCHEMA.columns());
    }

    @Test
    void lakeRowReadsEachSignalAtItsCanonicalVssPath() {
        assertThat(IotRuleSql.lakeRow(SCHEMA))
                .contains("Vehicle.Speed AS vehicle_speed")
                .contains("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current AS "
                        + "vehicle_powertrain_tractionbattery_stateofcharge_current");
    }

    @Test
    void lakeRowTakesTheVinFromTheTopicNotFromThePayload() {
        assertThat(IotRuleSql.lakeRow(SCHEMA)).startsWith("SELECT topic(3) AS vin, ")
                .endsWith(" FROM 'cms/data/#'");
    }

    @Test
    void rawKeepsTheWholeMessageAndAddsTheEnvelope() {
        assertThat(IotRuleSql.raw()).startsWith("SELECT *, topic() AS _topic, timestamp() AS _received_at, ")
                .contains(" AS _ts FROM 'cms/data/#'");
    }

    @Test
    void partitionPrefixHasTheLakeLayoutKeysInPathOrder() {
        assertThat(IotRuleSql.partitionPrefix()).isEqualTo("year=!{partitionKeyFromQuery:year}/"
                + "month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/"
                + "hour=!{partitionKeyFromQuery:hour}/");
    }

    /**
     * Runs the query through jq 1.6 (the JQ version Firehose runs) when it is installed: the keys
     * must be the unpadded UTC date and hour of the timestamp, as the lake writer lays them out.
     */
    @Test
    void partitionQueryGivesTheUnpaddedUtcHourWhenRunByJq() throws Exception {
        Assumptions.assumeTrue(jqAvailable(), "jq is not installed");
        long ts = ZonedDateTime.of(2026, 3, 5, 7, 59, 59, 999_000_000, ZoneOffset.UTC).toInstant().toEpochMilli();
        Process jq = new ProcessBuilder("jq", "-c", IotRuleSql.partitionQuery("ts")).redirectErrorStream(true).start();
        try (OutputStream in = jq.getOutputStream()) {
            in.write(("{\"ts\":" + ts + ",\"vin\":\"1HGCM82633A004352\"}").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(jq.waitFor()).isZero();
        assertThat(out).isEqualTo("{\"year\":\"2026\",\"month\":\"3\",\"day\":\"5\",\"hour\":\"7\"}");
    }

    private static boolean jqAvailable() {
        try {
            return new ProcessBuilder("jq", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void partitionQueryCountsMonthsFromOneAsTheLayoutDoes() {
        assertThat(IotRuleSql.partitionQuery("ts")).contains("month: ((.ts / 1000 | floor | gmtime) | .[1] + 1 | tostring)")
                .contains("year: ((.ts / 1000 | floor | gmtime) | .[0] | tostring)")
                .contains("hour: ((.ts / 1000 | floor | gmtime) | .[3] | tostring)");
    }
}
