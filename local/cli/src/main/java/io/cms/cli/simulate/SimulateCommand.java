package io.cms.cli.simulate;

import io.cms.cli.DurationOptions;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalConnection;
import io.cms.cli.local.LocalOptions;
import io.cms.cli.vehicle.VehicleSetup;
import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.AuthorizedVehicle;
import io.cms.provisioning.Page;
import io.cms.provisioning.ProvisioningStore;
import io.cms.simulator.FleetSimulator;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.model.VehicleState;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cms simulate --vehicles N --interval 1s --duration 60s [--vin-prefix P | --vins-from-registry]}:
 * provisions the vehicles that have no stored credentials, then runs them as real MQTT clients
 * publishing telemetry, printing progress.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run N simulated vehicles against CMS Local: each is a real MQTT client with its own",
                "certificate (vehicles without stored credentials are set up first) publishing VSS telemetry."})
public final class SimulateCommand implements Callable<Integer> {

    /** The longest {@code --duration}, {@code --interval} or {@code --progress-every}. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    /**
     * The most {@code --vehicles}: far beyond what one machine runs (10 000 were measured), and
     * within the six-digit serial of the VINs made from a prefix.
     */
    static final int MAX_VEHICLES = 100_000;

    /** Vehicles provisioned at the same time before the run. */
    static final int PROVISIONING_PARALLELISM = 4;

    /** How long the vehicles get to drain and disconnect at the end of a run. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    /** The same when stopped by Ctrl-C or SIGTERM, kept short because the process is exiting. */
    static final Duration INTERRUPT_STOP_TIMEOUT = Duration.ofSeconds(1);

    /** Test seam: registers the shutdown hook (tests keep it and start it themselves, standing in for Ctrl-C). */
    Consumer<Thread> addHook = Runtime.getRuntime()::addShutdownHook;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stoppedSignal = new CountDownLatch(1);
    private FleetSimulator simulator;
    private LocalConnection connection;
    private FleetSetUp setUp;
    private Integer exitCode;

    @CommandLine.Mixin
    LocalOptions local;

    @Option(names = "--vehicles", defaultValue = "10", description = "Number of vehicles (default: ${DEFAULT-VALUE}).")
    int vehicles;

    @Option(names = "--interval", defaultValue = "1s",
            description = "Time between two messages of one vehicle (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--duration", defaultValue = "60s",
            description = "How long to run (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--progress-every", defaultValue = "5s",
            description = "How often to print a progress line (default: ${DEFAULT-VALUE}).")
    String progressEvery;

    @CommandLine.ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = "--vin-prefix", description = "VINs made from this prefix and 1..N (default: CMS).")
        String prefix;

        @Option(names = "--vins-from-registry", description = "Use the first N authorized vehicles of the registry.")
        boolean registry;
    }

    @Option(names = {"--lat"}, defaultValue = "47.6205", description = "Latitude the routes loop around (default: ${DEFAULT-VALUE}).")
    double lat;

    @Option(names = {"--lon"}, defaultValue = "-122.3493", description = "Longitude the routes loop around (default: ${DEFAULT-VALUE}).")
    double lon;

    @Override
    public Integer call() throws Exception {
        if (vehicles < 1) {
            throw new BadInputException("--vehicles must be at least 1, got " + vehicles);
        }
        if (vehicles > MAX_VEHICLES) {
            throw new BadInputException("--vehicles must be at most " + MAX_VEHICLES + ", got " + vehicles);
        }
        // Written so that NaN fails too.
        if (!(lat >= -80 && lat <= 80) || !(lon >= -180 && lon <= 180)) {
            throw new BadInputException("--lat must be within [-80, 80] and --lon within [-180, 180]");
        }
        Duration interval = DurationOptions.parse("--interval", this.interval, MAX_DURATION);
        Duration duration = DurationOptions.parse("--duration", this.duration, MAX_DURATION);
        Duration progressEvery = DurationOptions.parse("--progress-every", this.progressEvery, MAX_DURATION);
        LocalConnection c = local.connect();
        PrintWriter out = spec.commandLine().getOut();
        List<String> vins = source != null && source.registry ? registryVins(c.registryStore()) : prefixVins();
        // Ctrl-C (or SIGTERM) stops the set-up, or stops the run as its end would: the vehicles'
        // messages in flight drain, they disconnect, and the summary is printed.
        Thread hook = new Thread(this::interrupted, "cms-simulate-shutdown");
        addHook.accept(hook);
        try {
            return run(c, vins, interval, duration, progressEvery, out);
        } finally {
            removeHook(hook);
        }
    }

    private int run(LocalConnection c, List<String> vins, Duration interval, Duration duration, Duration progressEvery,
            PrintWriter out) throws InterruptedException {
        List<VehicleCredentials> fleet;
        try {
            fleet = provisionMissing(c, vins, out);
        } catch (VehicleSetup.SetupFailedException e) {
            spec.commandLine().getErr().println("cms: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (FleetSetUp.StoppedException e) {
            // The shutdown hook said so.
            return ExitCodes.FAILURE;
        }

        try (FleetSimulator simulator = new FleetSimulator(c.mqtt(), interval, Clock.systemUTC(), lat, lon)) {
            PrintWriter err = spec.commandLine().getErr();
            fleet.forEach(v -> simulator.add(v, resumeState(v.thingName(), c.simulatorState(v.thingName()), err)));
            long started = System.nanoTime();
            synchronized (this) {
                if (stopRequested()) {
                    return ExitCodes.FAILURE;
                }
                this.simulator = simulator;
                this.connection = c;
                simulator.start();
            }
            long end = started + duration.toNanos();
            long nextProgress = started + progressEvery.toNanos();
            while (System.nanoTime() < end && !stopRequested()) {
                long sleep = Math.min(end, nextProgress) - System.nanoTime();
                if (sleep > 0) {
                    stoppedSignal.await(Math.max(1, sleep / 1_000_000), TimeUnit.MILLISECONDS);
                }
                if (System.nanoTime() >= nextProgress && !stopRequested()) {
                    progress(out, simulator.stats(), System.nanoTime() - started);
                    nextProgress += progressEvery.toNanos();
                }
            }
            return finish(STOP_TIMEOUT);
        }
    }

    /** Stops the run (once: at its end, or from the shutdown hook) and prints the summary. */
    private synchronized int finish(Duration timeout) {
        if (exitCode == null) {
            long stopping = System.nanoTime();
            simulator.stop(timeout);
            saveStates(simulator.vehicleStates(), connection::simulatorState, spec.commandLine().getErr());
            exitCode = summary(spec.commandLine().getOut(), spec.commandLine().getErr(), simulator.stats(),
                    simulator.vehicleStats(), (System.nanoTime() - stopping) / 1_000_000);
        }
        return exitCode;
    }

    /**
     * The state {@code file} keeps from the last run of {@code vin}, or null (a fresh vehicle) if
     * there is none; an unreadable or invalid one is reported on {@code err} and ignored.
     */
    static VehicleState resumeState(String vin, Path file, PrintWriter err) {
        try {
            return VehicleState.load(file).orElse(null);
        } catch (IllegalArgumentException e) {
            err.println("cms: warning: ignoring the simulator state of " + vin + " (" + e.getMessage()
                    + "); the vehicle starts afresh");
            err.flush();
            return null;
        }
    }

    /** Keeps every vehicle's state in its {@code stateFile} for the next run; a state that cannot be written is reported on {@code err}. */
    static void saveStates(Map<String, VehicleState> states, Function<String, Path> stateFile, PrintWriter err) {
        states.forEach((vin, state) -> {
            try {
                state.save(stateFile.apply(vin));
            } catch (UncheckedIOException e) {
                err.println("cms: warning: " + e.getMessage() + " (" + e.getCause().getMessage() + ")");
            }
        });
        err.flush();
    }

    /** The shutdown hook: stops provisioning, or the run with a short timeout, and prints the summary. */
    private void interrupted() {
        PrintWriter out = spec.commandLine().getOut();
        synchronized (this) {
            stoppedSignal.countDown();
            if (setUp != null) {
                setUp.stop();
            }
            if (simulator == null) {
                out.println("interrupted: stopped before the run started");
                out.flush();
                return;
            }
        }
        out.println("interrupted: stopping the vehicles...");
        out.flush();
        finish(INTERRUPT_STOP_TIMEOUT);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook is running or has run
        }
    }

    /**
     * Prints the summary of a stopped run: the totals, then every vehicle that failed (with why, for
     * one that was not connected at the end), and on stderr why nothing was acknowledged if so.
     *
     * @return {@link ExitCodes#FAILURE} if no message was acknowledged, {@link ExitCodes#PARTIAL} if
     *         a message or a vehicle failed, else {@link ExitCodes#OK}
     */
    static int summary(PrintWriter out, PrintWriter err, FleetSimulator.Stats s, List<FleetSimulator.VehicleStats> vehicles,
            long stoppedMs) {
        out.printf("done: %d vehicles, %d sent, %d acknowledged, %d failed or skipped; stopped in %d ms%n",
                s.vehicles(), s.published(), s.acknowledged(), s.failed(), stoppedMs);
        long notConnected = 0;
        for (FleetSimulator.VehicleStats v : vehicles) {
            if (v.failed() > 0) {
                out.printf("  %s: %d sent, %d acknowledged, %d failed or skipped%s%n", v.vin(), v.published(), v.acknowledged(),
                        v.failed(), v.problem() == null ? "" : "; " + v.problem());
            }
            if (v.problem() != null) {
                notConnected++;
            }
        }
        out.flush();
        if (s.acknowledged() > 0) {
            return s.failed() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
        String why = s.published() > 0 ? "the broker acknowledged none of the " + s.published() + " messages sent"
                : notConnected == s.vehicles() ? "no vehicle connected during the run (see the reasons above; each connection"
                        + " takes a TLS handshake, so a large fleet or a short --duration may need more time)"
                : "no vehicle sent a message during the run (a --duration shorter than --interval leaves no time for one)";
        err.println("cms: no message was acknowledged: " + why);
        err.flush();
        return ExitCodes.FAILURE;
    }

    private static void progress(PrintWriter out, FleetSimulator.Stats s, long elapsedNanos) {
        out.printf("%6.1fs  connected %d/%d  sent %d  acknowledged %d  failed %d%n", elapsedNanos / 1e9,
                s.connected(), s.vehicles(), s.published(), s.acknowledged(), s.failed());
        out.flush();
    }

    /** Whether Ctrl-C asked the command to stop. */
    private boolean stopRequested() {
        return stoppedSignal.getCount() == 0;
    }

    private List<String> prefixVins() {
        String prefix = source == null || source.prefix == null ? "CMS" : source.prefix;
        List<String> vins = new ArrayList<>(vehicles);
        for (int i = 1; i <= vehicles; i++) {
            try {
                vins.add(VehicleIdentity.vin(prefix, i));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        return vins;
    }

    private List<String> registryVins(ProvisioningStore store) {
        List<String> vins = new ArrayList<>();
        String token = null;
        do {
            Page<AuthorizedVehicle> page = store.list(Math.min(100, vehicles - vins.size()), token);
            // Not revoked: authorized and waiting for a certificate, or in service (an activation
            // consumes the authorization, so allow_provisioning is false then).
            page.items().stream().filter(a -> a.allowProvisioning() || a.activeCertificateId() != null).map(AuthorizedVehicle::vin)
                    .limit(vehicles - vins.size()).forEach(vins::add);
            token = page.nextToken();
        } while (token != null && vins.size() < vehicles);
        if (vins.isEmpty()) {
            throw new BadInputException("the registry has no authorized vehicles: authorize some with 'cms registry authorize'"
                    + " or use --vin-prefix");
        }
        return vins;
    }

    /**
     * The vehicles of a run as {@link FleetSetUp} sees them, set up with {@code setup}. A vehicle
     * found without current credentials in the read phase is checked again just before it is set up:
     * another {@code cms simulate} on the same data directory may have set it up meanwhile, and
     * provisioning it again would supersede the certificate that run keeps (the broker refuses it).
     */
    static FleetSetUp.Vehicles vehicles(VehicleSetup setup) {
        return new FleetSetUp.Vehicles() {
            @Override
            public Optional<VehicleCredentials> current(String vin) {
                return setup.current(vin);
            }

            @Override
            public VehicleCredentials setUp(String vin) {
                // Not reprovision: stored credentials that became current since the read are reused.
                return setup.setUp(vin, null, null, null, false).credentials();
            }
        };
    }

    /**
     * The credentials of every VIN, provisioning (a few at a time) those without stored credentials
     * holding the certificate the registry has active for them (none stored, revoked or superseded).
     * Each vehicle's stored credentials are read once.
     */
    private List<VehicleCredentials> provisionMissing(LocalConnection c, List<String> vins, PrintWriter out)
            throws FleetSetUp.StoppedException, InterruptedException {
        VehicleSetup setup = new VehicleSetup(c, Duration.ofSeconds(15), Clock.systemUTC());
        FleetSetUp fleet = new FleetSetUp(PROVISIONING_PARALLELISM);
        synchronized (this) {
            if (stopRequested()) {
                fleet.stop();
            }
            setUp = fleet;
        }
        return fleet.credentials(vins, vehicles(setup), missing -> {
            out.printf("setting up %d of %d vehicles (authorize, provision by claim)%n", missing, vins.size());
            out.flush();
        });
    }
}
