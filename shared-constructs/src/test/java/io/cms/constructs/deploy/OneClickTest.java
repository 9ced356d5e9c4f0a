package io.cms.constructs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OneClickTest {

    @Test
    void isOffWhenTheFlagIsAbsentOrFalse() {
        assertThat(OneClick.from(Map.<String, String>of()::get)).isEmpty();
        assertThat(OneClick.from(Map.of("oneClick", "false", "assetBucketBaseName", "x")::get)).isEmpty();
    }

    @Test
    void defaultsTheKeyPrefixToSolutionAndVersion() {
        OneClick oneClick = OneClick.from(Map.of("oneClick", "true", "assetBucketBaseName", "acme-assets")::get)
                .orElseThrow();
        assertThat(oneClick.assetBucketBaseName()).isEqualTo("acme-assets");
        assertThat(oneClick.assetKeyPrefix()).matches("cms-for-java/v[0-9][^/]*/");
    }

    @Test
    void addsTheMissingTrailingSlashToAGivenPrefix() {
        OneClick oneClick = OneClick.from(Map.of("oneClick", "TRUE", "assetBucketBaseName", "acme-assets",
                "assetKeyPrefix", "cms/v1.2.3")::get).orElseThrow();
        assertThat(oneClick.assetKeyPrefix()).isEqualTo("cms/v1.2.3/");
    }

    @Test
    void requiresTheBucketBaseNameWhenOn() {
        assertThatThrownBy(() -> OneClick.from(Map.of("oneClick", "true")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("assetBucketBaseName is required");
    }

    @Test
    void rejectsABucketBaseNameThatIsNotAValidBucketName() {
        assertThatThrownBy(() -> OneClick.from(Map.of("oneClick", "true", "assetBucketBaseName", "Acme_Assets")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter assetBucketBaseName");
        assertThatThrownBy(() -> new OneClick("a".repeat(49), "cms/"))
                .hasMessageContaining("Parameter assetBucketBaseName");
    }

    @Test
    void rejectsAKeyPrefixThatEscapesOrIsAbsolute() {
        assertThatThrownBy(() -> new OneClick("acme-assets", "/cms/v1/"))
                .hasMessageContaining("Parameter assetKeyPrefix");
        assertThatThrownBy(() -> new OneClick("acme-assets", "cms/../other/"))
                .hasMessageContaining("Parameter assetKeyPrefix");
    }

    @Test
    void rejectsAFlagThatIsNeitherTrueNorFalse() {
        assertThatThrownBy(() -> OneClick.from(Map.of("oneClick", "yes")::get))
                .hasMessageContaining("Parameter oneClick must be true or false");
    }

    @Test
    void derivesEnvironmentNamesFromContextKeys() {
        assertThat(OneClick.envName("assetBucketBaseName")).isEqualTo("ASSET_BUCKET_BASE_NAME");
        assertThat(OneClick.envName("oneClick")).isEqualTo("ONE_CLICK");
    }
}
