package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.cli.testing.RunningCmsLocal;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalConnection;
import io.cms.local.LocalEndpoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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

    private final AtomicReference<Thread> hook = new AtomicReference<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Starts {@code cms simulate args} (with {@code --local}) in the background, its shutdown hook kept in {@link #hook}. */
    private CompletableFuture<Integer> simulate(String... args) {
        hook.set(null);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        SimulateCommand command = new SimulateCommand();
        command.addHook = hook::set;
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--local", LOCAL.dir().toString()));
        return CompletableFuture.supplyAsync(() -> cli.execute(all.toArray(String[]::new)));
    }

    @Test
    void theShutdownHookDuringTheSetUpStopsItAtOnceAndNoVehicleIsSetUpAfterwards() throws Exception {
        CompletableFuture<Integer> exit = simulate("--vehicles", "200", "--vin-prefix", "STP", "--duration", "1h");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains("setting up 200 of 200") && System.nanoTime() < deadline && !exit.isDone()) {
            Thread.sleep(20);
        }
        assertThat(out.toString()).as(out + "" + err).contains("setting up 200 of 200");

        long t0 = System.nanoTime();
        hook.get().start();
        hook.get().join(5_000);
        assertThat(hook.get().isAlive()).as("the hook finished").isFalse();
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(out + "" + err).isEqualTo(ExitCodes.FAILURE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("stopped promptly").isLessThan(2_000);
        assertThat(out.toString()).contains("interrupted: stopped before the run started").doesNotContain("done:");
        assertThat(err.toString()).as("a stop, not an error").isEmpty();

        LocalConnection c = new LocalConnection(LOCAL.dir(), LocalEndpoints.read(LOCAL.dir()));
        long setUp = c.storedVins().stream().filter(v -> v.startsWith("STP")).count();
        assertThat(setUp).as("stopped before every vehicle was set up").isLessThan(200);
        Thread.sleep(500);
        assertThat(c.storedVins().stream().filter(v -> v.startsWith("STP")).count()).as("nothing set up after the command ended")
                .isEqualTo(setUp);
    }

    @Test
    void theShutdownHookStopsTheRunDisconnectsTheVehiclesAndPrintsTheSummary() throws Exception {
        CompletableFuture<Integer> exit = simulate("--vehicles", "2", "--vin-prefix", "CTC",
                "--interval", "100ms", "--duration", "1h", "--progress-every", "200ms");

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
