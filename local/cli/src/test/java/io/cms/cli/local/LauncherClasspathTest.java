package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code local/cli/bin/cms} (and so {@code make local}) runs with the runtime classpath Maven writes
 * to {@code target/classpath.txt}; tests run with the test classpath, which would hide a CMS Local
 * engine that is only a test dependency. This checks the launcher's classpath itself.
 */
class LauncherClasspathTest {

    @Test
    void theLaunchersClasspathCarriesEveryEngineCmsLocalStarts() throws Exception {
        String classpath = Files.readString(Path.of("target", "classpath.txt"));

        assertThat(classpath).contains("DynamoDBLocal").contains("hivemq-community-edition-embedded")
                .contains("duckdb_jdbc").contains("graphql-java").contains("local-oidc").contains("parquet-avro");
    }
}
