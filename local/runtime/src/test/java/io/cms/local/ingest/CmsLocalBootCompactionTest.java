package io.cms.local.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.connectstore.lake.LakeLayout;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.local.CmsLocal;
import io.cms.local.CmsLocalSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CMS Local finishes a compaction a crash interrupted before its vehicle API answers a history query. */
class CmsLocalBootCompactionTest {

    @TempDir
    Path dir;

    @Test
    void anHourLeftTwiceByACrashInTheMiddleOfACompactionSwapIsCountedOnceAfterBoot() throws Exception {
        Path lake = dir.resolve("lake");
        long hour = System.currentTimeMillis() / LakeLayout.HOUR_MS * LakeLayout.HOUR_MS - 3 * LakeLayout.HOUR_MS;
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(lake).build())) {
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    byte[] payload = ("{\"vin\":\"5YJ3E1EA7KF317041\",\"timestamp\":" + (hour + b * 60_000L + i)
                            + ",\"Vehicle\":{\"Speed\":" + i + "}}").getBytes(StandardCharsets.UTF_8);
                    w.accept("cms/data/5YJ3E1EA7KF317041/telemetry", payload, System.currentTimeMillis());
                }
                w.flush();
            }
        }
        LakeCompactionTest.interruptCompaction(lake, hour, Clock.systemUTC());
        Path hourDir = lake.resolve(LakeLayout.PARQUET).resolve(LakeLayout.partition(hour));
        assertThat(parquetFiles(hourDir)).as("the merged file next to its two inputs").isEqualTo(3);

        try (CmsLocal local = CmsLocal.start(CmsLocalSettings.ephemeral(dir))) {
            // The periodic compaction's first run is minutes away: the boot finished the swap.
            assertThat(parquetFiles(hourDir)).isEqualTo(1);
        }
    }

    private static long parquetFiles(Path hourDir) throws Exception {
        try (Stream<Path> s = Files.list(hourDir)) {
            return s.filter(p -> LakeLayout.isVisibleParquet(p.getFileName().toString())).count();
        }
    }
}
