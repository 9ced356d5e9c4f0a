package io.cms.cli.testing;

import io.cms.local.CmsLocal;
import io.cms.local.CmsLocalSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A CMS Local on loopback ports for one test class ({@code @RegisterExtension static}): started
 * before the class's first test in a fresh data directory (where its boot writes the endpoints file
 * the CLI's {@code --local} reads), stopped and deleted after the last.
 */
public final class RunningCmsLocal implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private CmsLocal local;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("cms-cli-test");
        local = CmsLocal.start(CmsLocalSettings.ephemeral(dir));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (local != null) {
            local.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The data directory (what {@code --local} takes). */
    public Path dir() {
        return dir;
    }

    /** The running instance. */
    public CmsLocal local() {
        return local;
    }
}
