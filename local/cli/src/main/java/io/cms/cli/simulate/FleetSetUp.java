package io.cms.cli.simulate;

import io.cms.simulator.mqtt.VehicleCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Gathers a fleet's credentials before a run, a few vehicles at a time: each vehicle's stored
 * credentials are read once, and those without current ones are set up. {@link #stop} (from any
 * thread) ends it at once: queued work never starts, running work is interrupted.
 */
final class FleetSetUp {

    /** How long {@link #credentials} waits, once stopped or failed, for the work under way to end. */
    static final Duration WIND_DOWN = Duration.ofSeconds(1);

    /** Where the credentials come from. */
    interface Vehicles {

        /** The stored credentials of {@code vin} if they are current; empty if it needs setting up. */
        Optional<VehicleCredentials> current(String vin);

        /**
         * Sets up {@code vin}, which had no current credentials when read, and gives its credentials:
         * ones that became current since (set up by another run) are kept, not provisioned again.
         */
        VehicleCredentials setUp(String vin);
    }

    /** {@link #stop} was called. */
    static final class StoppedException extends Exception {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("stopped while setting up the vehicles");
        }
    }

    private final ExecutorService pool;
    private final List<Future<?>> tasks = new ArrayList<>();
    private boolean stopped;

    FleetSetUp(int parallelism) {
        this.pool = Executors.newFixedThreadPool(parallelism);
    }

    /**
     * The credentials of every VIN, in order; {@code settingUp} is told how many vehicles need setting
     * up before that starts (not at all if none do). Runs once.
     *
     * @throws StoppedException if {@link #stop} was called before or meanwhile
     * @throws RuntimeException what reading or setting up a vehicle threw (the rest is stopped)
     */
    List<VehicleCredentials> credentials(List<String> vins, Vehicles vehicles, IntConsumer settingUp)
            throws StoppedException, InterruptedException {
        try {
            List<Future<Optional<VehicleCredentials>>> checks = new ArrayList<>(vins.size());
            for (String vin : vins) {
                checks.add(submit(() -> vehicles.current(vin)));
            }
            List<VehicleCredentials> fleet = new ArrayList<>(vins.size());
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < vins.size(); i++) {
                Optional<VehicleCredentials> stored = await(checks.get(i), vins.get(i));
                fleet.add(stored.orElse(null));
                if (stored.isEmpty()) {
                    missing.add(i);
                }
            }
            if (!missing.isEmpty()) {
                settingUp.accept(missing.size());
                List<Future<VehicleCredentials>> setUps = new ArrayList<>(missing.size());
                for (int i : missing) {
                    setUps.add(submit(() -> vehicles.setUp(vins.get(i))));
                }
                for (int j = 0; j < missing.size(); j++) {
                    int i = missing.get(j);
                    fleet.set(i, await(setUps.get(j), vins.get(i)));
                }
            }
            return fleet;
        } finally {
            pool.shutdownNow();
            // After a stop or a failure: nothing is still setting a vehicle up once this returns.
            pool.awaitTermination(WIND_DOWN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops {@link #credentials}: it throws {@link StoppedException} at once. */
    synchronized void stop() {
        stopped = true;
        // Cancelling first makes every wait on a task end now, whether or not the task heeds the interrupt.
        tasks.forEach(t -> t.cancel(true));
        pool.shutdownNow();
    }

    private synchronized <T> Future<T> submit(Callable<T> task) throws StoppedException {
        if (stopped) {
            throw new StoppedException();
        }
        Future<T> f = pool.submit(task);
        tasks.add(f);
        return f;
    }

    private synchronized boolean stopped() {
        return stopped;
    }

    private <T> T await(Future<T> task, String vin) throws StoppedException, InterruptedException {
        try {
            return task.get();
        } catch (CancellationException e) {
            throw new StoppedException();
        } catch (ExecutionException e) {
            if (stopped()) {
                throw new StoppedException();
            }
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("setting up " + vin + " failed: " + e.getCause(), e.getCause());
        }
    }
}
