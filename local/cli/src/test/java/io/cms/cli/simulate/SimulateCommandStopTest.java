package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.ExitCodes;
import io.cms.local.CmsLocal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** Ctrl-C during {@code cms simulate}: the shutdown hook (started by the test) stops the run cleanly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateCommandStopTest {

    @RegisterExtension
    static final RunningCmsLocal LOCAL = new RunningCmsLocal();

    @Test
    void theShutdownHookStopsTheRunDisconnectsTheVehiclesAndPrintsTheSummary() throws Exception {
        AtomicReference<Thread> hook = new AtomicReference<>();
        SimulateCommand command = new SimulateCommand();
        command.addHook = hook::set;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--vehicles", "2", "--vin-prefix", "CTC",
                "--interval", "100ms", "--duration", "1h", "--progress-every", "200ms", "--local", LOCAL.dir().toString()));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains("connected 2/2") && System.nanoTime() < deadline && !exit.isDone()) {
            Thread.sleep(50);
        }
        assertThat(out.toString()).as(out + "" + err).contains("connected 2/2");
        assertThat(hook.get()).as("a shutdown hook was registered").isNotNull();

        long t0 = System.nanoTime();
        hook.get().start();
        hook.get().join(5_000);
        assertThat(hook.get().isAlive()).as("the hook finished").isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
        assertThat(out.toString()).contains("interrupted: stopping the vehicles").contains("done: 2 vehicles");
        // The run itself ends too, with the same summary (printed once) and exit code.
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(out + "" + err).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().split("done: ", -1)).hasSize(2);
        assertThat(out.toString()).contains(" 0 failed or skipped");
    }
}
