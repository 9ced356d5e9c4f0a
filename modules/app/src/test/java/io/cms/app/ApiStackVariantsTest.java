package io.cms.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import io.cms.modules.api.ApiSettings;
import io.cms.modules.api.ApiStack;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** API stack settings other than the defaults, and the inputs that must stop synth. */
class ApiStackVariantsTest {

    @Test
    void workgroupAndResultsBucketTakeTheScanLimitAndRetentionFromContext() {
        ApiStack stack = new ApiStack(new App(), CmsContext.of(Map.of(
                "athenaBytesScannedCutoffMb", "100", "athenaResultRetentionDays", "30")));
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Athena::WorkGroup", Match.objectLike(Map.of(
                "WorkGroupConfiguration", Match.objectLike(Map.of("BytesScannedCutoffPerQuery", 100L * 1024 * 1024)))));
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Id", "ExpireQueryResults", "ExpirationInDays", 30)))))));
    }

    @Test
    void aScanLimitBelowAthenasMinimumStopsSynthNamingTheParameter() {
        assertThatThrownBy(() -> new ApiStack(new App(), CmsContext.of(Map.of("athenaBytesScannedCutoffMb", "5"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter athenaBytesScannedCutoffMb");
    }

    @Test
    void aMissingSchemaStopsSynthNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("schema.graphql");
        CmsContext context = CmsContext.of(Map.of());

        assertThatThrownBy(() -> new ApiStack(new App(), context, ApiSettings.from(context), missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("is missing");
    }

    @Test
    void aSchemaWithoutQueriesStopsSynthNamingTheFile(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("schema.graphql"), "type Vehicle { vin: String! }\n");
        CmsContext context = CmsContext.of(Map.of());

        assertThatThrownBy(() -> new ApiStack(new App(), context, ApiSettings.from(context), schema))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(schema.toString())
                .hasMessageContaining("no 'type Query");
    }
}
