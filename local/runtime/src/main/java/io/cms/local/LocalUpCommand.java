package io.cms.local;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cms local up}: runs CMS Local in the foreground until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run CMS Local (the whole data plane on loopback) until Ctrl-C.")
public final class LocalUpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", description = "Where every piece of state lives (default: $CMS_LOCAL_DIR or .cms-local).")
    Path dataDir;

    @Option(names = "--app-id", defaultValue = "cms", description = "App Unique ID the names derive from (default: ${DEFAULT-VALUE}).")
    String appId;

    @Option(names = "--mqtt-port", defaultValue = "" + CmsLocalSettings.DEFAULT_MQTT_PORT, description = "MQTT over TLS (default: ${DEFAULT-VALUE}).")
    int mqttPort;

    @Option(names = "--dynamodb-port", defaultValue = "" + CmsLocalSettings.DEFAULT_DYNAMO_PORT, description = "DynamoDB Local (default: ${DEFAULT-VALUE}).")
    int dynamoPort;

    @Option(names = "--http-port", defaultValue = "" + CmsLocalSettings.DEFAULT_HTTP_PORT, description = "GraphQL APIs (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--oidc-port", defaultValue = "" + CmsLocalSettings.DEFAULT_OIDC_PORT, description = "Local OIDC issuer (default: ${DEFAULT-VALUE}).")
    int oidcPort;

    @Option(names = "--lake-commit", defaultValue = "5s", description = "How often telemetry is committed to the lake, e.g. 1s, 30s, 2m (default: ${DEFAULT-VALUE}).")
    String lakeCommit;

    @Option(names = "--journal-sync", defaultValue = "write",
            description = "When telemetry is acknowledged: 'write' (in the journal file: survives a crash of CMS Local, synced every 10 ms) or 'fsync' (synced to the device first; slower). Default: ${DEFAULT-VALUE}.")
    String journalSync;

    /**
     * Test seam: makes the CMS Local to boot (tests pass one made with
     * {@link CmsLocal#create(CmsLocalSettings, Consumer, java.time.Duration)} to act at a boot step).
     */
    Function<CmsLocalSettings, CmsLocal> localFactory = CmsLocal::create;

    /** Test seam: registers the shutdown hook (tests keep it and start it themselves, standing in for Ctrl-C). */
    Consumer<Thread> addHook = Runtime.getRuntime()::addShutdownHook;

    /** Where CMS Local keeps its state when no directory is given. */
    public static Path defaultDataDir() {
        String env = System.getenv("CMS_LOCAL_DIR");
        return Path.of(env == null || env.isBlank() ? ".cms-local" : env);
    }

    @Override
    public Integer call() throws InterruptedException {
        CmsLocalSettings settings;
        try {
            settings = new CmsLocalSettings(dataDir == null ? defaultDataDir() : dataDir, appId, mqttPort, dynamoPort,
                    httpPort, oidcPort, DurationConverter.parse(lakeCommit), syncPolicy(journalSync));
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        // The hook is in place before the boot (which can take a minute): Ctrl-C or SIGTERM while
        // starting stops the boot after its current step and stops what it started, in reverse order.
        CmsLocal local = localFactory.apply(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println("CMS Local: stopping (committing the lake, closing the broker)...");
            out.flush();
            local.close();
            stopped.countDown();
        }, "cms-local-shutdown");
        addHook.accept(hook);
        try {
            local.boot();
        } catch (RuntimeException | Error e) {
            if (!local.stopRequested()) {
                removeHook(hook);
                throw e;
            }
            // A stop was asked for: the hook has said so and stops what started; the JVM exits when it is done.
            stopped.await();
            if (e instanceof CmsLocal.StoppedWhileStartingException) {
                return 0;
            }
            // A failure of its own that merely came during the stop (a taken port, a corrupt data
            // directory): reported and non-zero, not swallowed as a clean stop.
            throw e;
        }
        if (!local.stopRequested()) {
            // A stop that came after the boot's last check is already under way: no "ready" banner then.
            out.print(LocalBanner.of(local));
            out.flush();
        }
        stopped.await();
        return 0;
    }

    /** The boot failed by itself and stopped what it started: nothing is left for the hook to stop. */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting already; the hook finds nothing to stop
        }
    }

    private static io.cms.local.ingest.IngestJournal.SyncPolicy syncPolicy(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "write" -> io.cms.local.ingest.IngestJournal.SyncPolicy.WRITE;
            case "fsync" -> io.cms.local.ingest.IngestJournal.SyncPolicy.FSYNC;
            default -> throw new IllegalArgumentException("--journal-sync must be 'write' or 'fsync', got '" + text + "'");
        };
    }
}
