package io.cms.connectstore.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.connectstore.lake.LakeLayout;
import io.cms.connectstore.testutils.InMemoryS3;
import io.cms.connectstore.testutils.LakeUploads;
import io.cms.connectstore.testutils.Payloads;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCompactionHandlerTest {

    static final long NOW = Instant.parse("2026-11-22T10:20:00Z").toEpochMilli();
    static final long CURRENT_HOUR = NOW - Math.floorMod(NOW, LakeLayout.HOUR_MS);
    static final String VIN = Payloads.vin(9);

    @TempDir
    Path dir;

    private final InMemoryS3 s3 = new InMemoryS3("telemetry", 100);

    private LakeCompactionHandler handler(Map<String, String> env) {
        return new LakeCompactionHandler(EnvConfig.of(env), s3, dir.resolve("scratch"), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private JsonNode run(LakeCompactionHandler handler) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String scheduled = "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"time\":\"2026-11-22T10:20:00Z\"}";
        handler.handleRequest(new ByteArrayInputStream(scheduled.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static String prefix(long hour) {
        return LakeLayout.PARQUET + "/" + LakeLayout.partition(hour) + "/";
    }

    @Test
    void compactsTheClosedHoursOfTheLookbackAndLeavesTheOpenOnesAlone() throws Exception {
        long threeHoursAgo = CURRENT_HOUR - 3 * LakeLayout.HOUR_MS;
        long lastHour = CURRENT_HOUR - LakeLayout.HOUR_MS; // ended 20 minutes ago: closed after the 15-minute grace
        long twoDaysAgo = CURRENT_HOUR - 48 * LakeLayout.HOUR_MS; // outside the default 24-hour lookback
        LakeUploads.upload(s3, dir.resolve("a"), threeHoursAgo, VIN, 3, 4);
        LakeUploads.upload(s3, dir.resolve("b"), lastHour, VIN, 2, 4);
        LakeUploads.upload(s3, dir.resolve("c"), CURRENT_HOUR, VIN, 2, 4);
        LakeUploads.upload(s3, dir.resolve("d"), twoDaysAgo, VIN, 2, 4);

        JsonNode summary = run(handler(Map.of("BUCKET_NAME", "telemetry")));

        assertThat(summary.path("merged")).hasSize(2);
        assertThat(summary.path("merged").get(0).path("inputs").asInt()).isEqualTo(3);
        assertThat(summary.path("deletedObjects").asInt()).isEqualTo(5);
        assertThat(s3.keys(prefix(threeHoursAgo))).hasSize(1);
        assertThat(s3.keys(prefix(lastHour))).hasSize(1);
        assertThat(s3.keys(prefix(CURRENT_HOUR))).as("still open").hasSize(2);
        assertThat(s3.keys(prefix(twoDaysAgo))).as("outside the lookback").hasSize(2);

        JsonNode again = run(handler(Map.of("BUCKET_NAME", "telemetry", "COMPACTION_LOOKBACK_HOURS", "72")));
        assertThat(again.path("merged")).hasSize(1);
        assertThat(s3.keys(prefix(twoDaysAgo))).hasSize(1);
    }

    @Test
    void anHourThatFailsFailsTheInvocationAfterTheOthersAndTheNextRunFinishesIt() throws Exception {
        long twoHoursAgo = CURRENT_HOUR - 2 * LakeLayout.HOUR_MS;
        long lastHour = CURRENT_HOUR - LakeLayout.HOUR_MS;
        LakeUploads.upload(s3, dir.resolve("earlier"), twoHoursAgo, VIN, 2, 3);
        LakeUploads.upload(s3, dir.resolve("a"), lastHour, VIN, 2, 3);
        // The older hour runs first and its deletes fail; the last hour must still be compacted.
        s3.failDeletes.set(1);
        LakeCompactionHandler handler = handler(Map.of("BUCKET_NAME", "telemetry"));

        assertThatThrownBy(() -> run(handler)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 hour(s) not compacted").hasMessageContaining("2026-11-22T08:00:00Z");
        assertThat(s3.keys(prefix(lastHour))).as("the hour after the failed one ran").hasSize(1);
        assertThat(s3.keys(prefix(twoHoursAgo))).as("merged object next to its inputs").hasSize(3);

        JsonNode summary = run(handler);
        assertThat(summary.path("merged")).isEmpty();
        assertThat(summary.path("deletedObjects").asInt()).isEqualTo(2);
        assertThat(s3.keys(prefix(lastHour))).hasSize(1);
        assertThat(s3.keys(prefix(twoHoursAgo))).hasSize(1);
    }

    @Test
    void refusesAMissingBucketAndOutOfRangeSettings() {
        assertThatThrownBy(() -> handler(Map.of())).isInstanceOf(ConfigurationException.class).hasMessageContaining("BUCKET_NAME");
        assertThatThrownBy(() -> handler(Map.of("BUCKET_NAME", "telemetry", "COMPACTION_LOOKBACK_HOURS", "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("COMPACTION_LOOKBACK_HOURS");
        assertThatThrownBy(() -> handler(Map.of("BUCKET_NAME", "telemetry", "COMPACTION_GRACE_SECONDS", "soon")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("COMPACTION_GRACE_SECONDS");
        for (String mb : new String[] {"0", "10241", "lots"}) {
            assertThatThrownBy(() -> handler(Map.of("BUCKET_NAME", "telemetry", "COMPACTION_MAX_HOUR_MB", mb))).as(mb)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("COMPACTION_MAX_HOUR_MB");
        }
    }
}
