package io.cms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEndpointsTest {

    @TempDir
    Path dir;

    private static LocalEndpoints sample() {
        return new LocalEndpoints(
                new LocalEndpoints.Mqtt("127.0.0.1", 8883, "pki/ca.pem"),
                new LocalEndpoints.Claim("claim/cert.pem", "claim/key.pem", "cms--provisioning-template"),
                new LocalEndpoints.Dynamodb("http://127.0.0.1:8000", "us-east-1", "cms-AuthorizedVehicles", "cms-ProvisionedVehicles"),
                new LocalEndpoints.Graphql("http://127.0.0.1:8080/graphql", "http://127.0.0.1:8080/alerts/publish", null),
                new LocalEndpoints.Oidc("http://127.0.0.1:9000", "http://127.0.0.1:9000/token", "cli", "s3cret"));
    }

    @Test
    void whatTheRuntimeWritesTheCliReadsBack() {
        sample().write(dir);
        assertThat(LocalEndpoints.read(dir)).isEqualTo(sample());
    }

    @Test
    void optionalSectionsMayBeAbsent() throws Exception {
        Files.writeString(dir.resolve(LocalEndpoints.FILE), """
                {"mqtt":{"host":"127.0.0.1","port":18883,"caFile":"ca.pem"},
                 "claim":{"certFile":"claim/cert.pem","keyFile":"claim/key.pem","templateName":"t"},
                 "dynamodb":{"endpoint":"http://127.0.0.1:8000","region":"us-east-1","authorizedTable":"a","provisionedTable":"p"}}
                """);
        LocalEndpoints e = LocalEndpoints.read(dir);
        assertThat(e.mqtt().port()).isEqualTo(18883);
        assertThat(e.graphql()).isNull();
        assertThat(e.oidc()).isNull();
    }

    @Test
    void aMissingDataDirectoryTellsHowToStartCmsLocal() {
        assertThatThrownBy(() -> LocalEndpoints.read(dir.resolve("nowhere")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no CMS Local data directory").hasMessageContaining("--local");
    }

    @Test
    void aDataDirectoryWithoutTheFileMeansCmsLocalIsNotRunning() {
        assertThatThrownBy(() -> LocalEndpoints.read(dir))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not running");
    }

    @Test
    void aMalformedFileIsNamedWithTheProblem() throws Exception {
        Files.writeString(dir.resolve(LocalEndpoints.FILE), "{\"mqtt\":");
        assertThatThrownBy(() -> LocalEndpoints.read(dir))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cms-local.json is not valid JSON");
    }

    @Test
    void aBadPortIsRefusedWithTheFieldName() throws Exception {
        sample().write(dir);
        Path f = dir.resolve(LocalEndpoints.FILE);
        Files.writeString(f, Files.readString(f).replace("8883", "70000"));
        assertThatThrownBy(() -> LocalEndpoints.read(dir))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mqtt.port");
    }

    @Test
    void aMissingRequiredSectionIsNamed() throws Exception {
        Files.writeString(dir.resolve(LocalEndpoints.FILE), "{\"mqtt\":{\"host\":\"h\",\"port\":1,\"caFile\":\"c\"}}");
        assertThatThrownBy(() -> LocalEndpoints.read(dir))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'claim' is missing");
    }

    @Test
    void theDataDirectoryComesFromTheOptionThenTheEnvironmentThenTheDefault() {
        assertThat(LocalEndpoints.dataDir(Path.of("/x"), "/y")).isEqualTo(Path.of("/x"));
        assertThat(LocalEndpoints.dataDir(null, "/y")).isEqualTo(Path.of("/y"));
        assertThat(LocalEndpoints.dataDir(null, " ")).isEqualTo(Path.of(".cms-local"));
    }
}
