package io.cms.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Snapshot tests of synthesized templates. Asset hashes (which change with every Lambda build)
 * are replaced by a placeholder. {@code -Dsnapshot.update=true} (or {@code make update-snapshots})
 * rewrites them; a missing snapshot is written on a developer machine but fails in CI.
 */
public final class Snapshots {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Snapshots() {
    }

    /** Compares the template with {@code src/test/resources/snapshots/<name>.json}. */
    public static void assertMatches(String name, Map<String, Object> template) {
        String actual = normalise(template);
        Path file = Paths.get("src", "test", "resources", "snapshots", name + ".json");
        boolean update = Boolean.getBoolean("snapshot.update");
        try {
            if (update || (!Files.exists(file) && System.getenv("CI") == null)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual);
                return;
            }
            assertThat(Files.exists(file))
                    .as("snapshot %s is missing; run `make update-snapshots` and commit it", file)
                    .isTrue();
            assertThat(actual)
                    .as("template of %s changed; if intended, run `make update-snapshots` and review the diff", name)
                    .isEqualTo(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String normalise(Map<String, Object> template) {
        try {
            String json = MAPPER.writeValueAsString(MAPPER.readTree(MAPPER.writeValueAsString(template)));
            return json.replaceAll("[0-9a-f]{64}(\\.(jar|zip|json))", "<asset-hash>$1")
                    .replaceAll("CurrentVersion[0-9A-F]{8}[0-9a-f]{32}", "CurrentVersion<hash>")
                    + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
