package io.cms.modules.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSettingsTest {

    @Test
    void defaultsToTenGibPerQueryAndSevenDaysOfResults() {
        ApiSettings settings = ApiSettings.from(CmsContext.of(Map.of()));

        assertThat(settings.bytesScannedCutoffBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(settings.resultRetentionDays()).isEqualTo(7);
    }

    @Test
    void readsTheCutoffAndRetentionFromContext() {
        ApiSettings settings = ApiSettings.from(CmsContext.of(Map.of(
                "athenaBytesScannedCutoffMb", "100", "athenaResultRetentionDays", "30")));

        assertThat(settings.bytesScannedCutoffBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(settings.resultRetentionDays()).isEqualTo(30);
    }

    @Test
    void refusesACutoffBelowAthenasMinimumNamingTheParameter() {
        assertThatThrownBy(() -> ApiSettings.from(CmsContext.of(Map.of("athenaBytesScannedCutoffMb", "9"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("athenaBytesScannedCutoffMb")
                .hasMessageContaining("got 9");
    }

    @Test
    void refusesANonNumericCutoff() {
        assertThatThrownBy(() -> ApiSettings.from(CmsContext.of(Map.of("athenaBytesScannedCutoffMb", "10GB"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("athenaBytesScannedCutoffMb")
                .hasMessageContaining("10GB");
    }

    @Test
    void refusesAZeroDayResultRetention() {
        assertThatThrownBy(() -> ApiSettings.from(CmsContext.of(Map.of("athenaResultRetentionDays", "0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("athenaResultRetentionDays");
    }

    @Test
    void keepsTheLargestCutoffPositiveInBytes() {
        ApiSettings settings = new ApiSettings(ApiSettings.MAX_BYTES_SCANNED_CUTOFF_MB, 1);

        assertThat(settings.bytesScannedCutoffBytes()).isEqualTo(1L << 50);
    }
}
