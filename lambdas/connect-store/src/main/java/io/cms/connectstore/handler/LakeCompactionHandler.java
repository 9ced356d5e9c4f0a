package io.cms.connectstore.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.lake.LakeLayout;
import io.cms.connectstore.lake.S3HourCompaction;
import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hourly schedule → this Lambda: compacts the Parquet objects of the closed hours of the last
 * {@code COMPACTION_LOOKBACK_HOURS} in the telemetry bucket ({@link S3HourCompaction}), so late
 * data and missed runs are caught up. An hour that fails is logged and the others still run; the
 * invocation then fails, so the schedule's retries and the error metric see it.
 *
 * <p>Environment: {@code BUCKET_NAME}; optional {@code COMPACTION_GRACE_SECONDS} (default 900: the
 * Firehose buffer interval plus its retries), {@code COMPACTION_LOOKBACK_HOURS} (default 24, 1–168),
 * {@code COMPACTION_MAX_HOUR_MB} (default 4096: what fits the function's ephemeral storage twice).
 */
public final class LakeCompactionHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LakeCompactionHandler.class);

    private final S3HourCompaction compaction;
    private final int lookbackHours;
    private final Clock clock;

    /** Wiring for the Lambda runtime. */
    public LakeCompactionHandler() {
        this(EnvConfig.fromSystem(), AwsClients.build(S3Client.builder()), Path.of("/tmp/lake-compaction"), Clock.systemUTC());
    }

    /** Wiring with explicit parts (tests). */
    public LakeCompactionHandler(EnvConfig env, S3Client s3, Path scratch, Clock clock) {
        String bucket = env.required("BUCKET_NAME");
        Duration grace = env.seconds("COMPACTION_GRACE_SECONDS", Duration.ofMinutes(15));
        this.lookbackHours = env.integer("COMPACTION_LOOKBACK_HOURS", 24, 1, 168);
        long maxHourBytes = env.integer("COMPACTION_MAX_HOUR_MB", 4096, 1, 10_240) * 1024L * 1024L;
        this.compaction = new S3HourCompaction(s3, bucket, scratch, clock, grace, maxHourBytes);
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        // The scheduled event carries nothing this needs: the hours follow from the clock.
        long now = clock.millis();
        long thisHour = now - Math.floorMod(now, LakeLayout.HOUR_MS);
        ArrayNode merged = Json.MAPPER.createArrayNode();
        List<String> failed = new ArrayList<>();
        int deleted = 0;
        for (int back = lookbackHours; back >= 1; back--) {
            long hour = thisHour - back * LakeLayout.HOUR_MS;
            if (!compaction.closed(hour)) {
                continue;
            }
            try {
                S3HourCompaction.Result r = compaction.compact(hour);
                deleted += r.deleted();
                if (r.mergedKey() != null) {
                    LOG.info("compacted {}: {} objects into {} ({} rows)", r.partition(), r.inputs(), r.mergedKey(), r.rows());
                    merged.add(Json.object().put("partition", r.partition()).put("key", r.mergedKey())
                            .put("inputs", r.inputs()).put("rows", r.rows()));
                } else if (r.deleted() > 0) {
                    LOG.info("{}: deleted {} objects an interrupted run had already merged", r.partition(), r.deleted());
                }
            } catch (RuntimeException e) {
                LOG.error("compaction of the hour {} failed: {}", Instant.ofEpochMilli(hour), e.toString());
                failed.add(Instant.ofEpochMilli(hour) + ": " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.size() + " hour(s) not compacted (the next run tries again): " + failed);
        }
        ObjectNode summary = Json.object();
        summary.set("merged", merged);
        summary.put("deletedObjects", deleted);
        output.write(Json.write(summary).getBytes(StandardCharsets.UTF_8));
    }
}
