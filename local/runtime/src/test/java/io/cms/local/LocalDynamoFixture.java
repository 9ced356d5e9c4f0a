package io.cms.local;

import io.cms.local.dynamo.LocalDynamo;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.pki.LocalCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * DynamoDB Local as CMS Local runs it ({@link LocalDynamo}, a server on a free loopback port) and a
 * {@link LocalCa}, shared by the tests of one class ({@code @RegisterExtension static}): started
 * before the class's first test in a fresh directory, stopped and deleted after the last. The CA is
 * made on first use.
 */
public final class LocalDynamoFixture implements BeforeAllCallback, AfterAllCallback {

    private final AtomicInteger apps = new AtomicInteger();
    private Path dir;
    private LocalDynamo dynamo;
    private LocalCa ca;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("cms-local-dynamo-test");
        dynamo = LocalDynamo.start(dir.resolve("dynamodb"), Ports.free());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (dynamo != null) {
            dynamo.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The running DynamoDB Local. */
    public LocalDynamo dynamo() {
        return dynamo;
    }

    /** The CA, made in the fixture's directory on first use. */
    public synchronized LocalCa ca() {
        if (ca == null) {
            ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        }
        return ca;
    }

    /** CMS Local's tables of an app no other test of the class uses, created. */
    public LocalTables freshTables(String prefix) {
        LocalTables tables = LocalTables.named(prefix + apps.incrementAndGet());
        tables.ensure(dynamo);
        return tables;
    }
}
