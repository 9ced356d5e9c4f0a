package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LakeLayoutTest {

    @Test
    void hourStartIsTheInverseOfPartitionAndRefusesDirectoriesThatNameNoHour() {
        long hour = Instant.parse("2026-01-05T07:00:00Z").toEpochMilli();
        assertThat(LakeLayout.partition(hour + 59 * 60_000)).isEqualTo("year=2026/month=1/day=5/hour=7");
        assertThat(LakeLayout.hourStart(LakeLayout.partition(hour + 59 * 60_000))).isEqualTo(hour);
        assertThat(LakeLayout.hourStart("year=2026/month=13/day=1/hour=1")).isEqualTo(Long.MIN_VALUE);
        assertThat(LakeLayout.hourStart("year=2026/month=2/day=30/hour=1")).isEqualTo(Long.MIN_VALUE);
        assertThat(LakeLayout.hourStart("year=2026/month=12/day=3")).isEqualTo(Long.MIN_VALUE);
        assertThat(LakeLayout.hourStart("year=2026/month=12/day=3/notes")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void onlyCommittedParquetFilesAreVisible() {
        assertThat(LakeLayout.isVisibleParquet("20261122T073000Z-0a1b2c3d-000001.parquet")).isTrue();
        assertThat(LakeLayout.isVisibleParquet(LakeLayout.temporaryKey("x.parquet"))).isFalse();
        assertThat(LakeLayout.isVisibleParquet(".x.parquet")).isFalse();
        assertThat(LakeLayout.isVisibleParquet("x.json.gz")).isFalse();
    }
}
