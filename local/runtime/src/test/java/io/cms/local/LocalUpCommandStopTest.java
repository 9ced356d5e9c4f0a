package io.cms.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cms local up} when Ctrl-C comes while CMS Local is starting: a boot given up because of the
 * stop ends quietly with 0; a boot that fails by itself meanwhile (a taken port, a corrupt data
 * directory) still reports its error and exits non-zero. The shutdown hook is started by the test
 * at the first boot step, as the JVM would on Ctrl-C.
 */
class LocalUpCommandStopTest {

    private static final String FAILURE = "cannot read the data directory: it is corrupt";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err, Thread hook) {
    }

    /**
     * Runs the command; at the boot's first step the hook is started (when {@code ctrlC}), then the
     * step returns, or fails by itself with {@link #FAILURE} (when {@code fail}).
     */
    private Run up(boolean ctrlC, boolean fail) {
        AtomicReference<Thread> hook = new AtomicReference<>();
        AtomicReference<CmsLocal> local = new AtomicReference<>();
        LocalUpCommand command = new LocalUpCommand();
        command.addHook = hook::set;
        command.localFactory = settings -> {
            local.set(CmsLocal.create(settings, part -> {
                if (ctrlC) {
                    hook.get().start();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!local.get().stopRequested() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertThat(local.get().stopRequested()).as("the hook asked CMS Local to stop").isTrue();
                }
                if (fail) {
                    throw new IllegalStateException(FAILURE);
                }
            }, Duration.ofSeconds(10)));
            return local.get();
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("--data-dir", dir.resolve("data").toString(), "--mqtt-port", "0",
                "--dynamodb-port", "0", "--http-port", "0", "--oidc-port", "0");
        return new Run(exit, out.toString(), err.toString(), hook.get());
    }

    @Test
    void aBootStoppedWhileStartingEndsQuietlyWithZero() throws Exception {
        Run run = up(true, false);

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("CMS Local: stopping");
        run.hook().join(TimeUnit.SECONDS.toMillis(10));
        assertThat(run.hook().isAlive()).as("the hook is still stopping").isFalse();
    }

    @Test
    void aBootThatFailsByItselfDuringTheStopReportsTheErrorAndExitsNonZero() throws Exception {
        Run run = up(true, true);

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains(FAILURE);
        // The hook had finished stopping what started before the error was reported.
        assertThat(run.out()).contains("CMS Local: stopping");
        run.hook().join(TimeUnit.SECONDS.toMillis(10));
        assertThat(run.hook().isAlive()).as("the hook is still stopping").isFalse();
        // What the boot started is stopped: the data directory is unlocked.
        DataDirLock.acquire(dir.resolve("data").toAbsolutePath()).close();
    }

    @Test
    void aBootThatFailsWithoutAStopReportsTheErrorAndExitsNonZero() {
        Run run = up(false, true);

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains(FAILURE);
        assertThat(run.hook().getState()).as("the hook never ran").isEqualTo(Thread.State.NEW);
    }
}
