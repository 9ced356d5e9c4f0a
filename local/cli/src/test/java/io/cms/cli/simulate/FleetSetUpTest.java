package io.cms.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.simulator.mqtt.VehicleCredentials;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Gathering a fleet's credentials before {@code cms simulate} runs it, and stopping that. */
class FleetSetUpTest {

    private static final List<String> VINS = List.of("CMSA0000000000001", "CMSA0000000000002", "CMSA0000000000003");

    private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> setUps = new ConcurrentHashMap<>();

    private static VehicleCredentials creds(String vin, String cert) {
        return new VehicleCredentials(vin, cert, "CERT", "KEY");
    }

    /** Counts every read and set-up; {@code stored} gives a vehicle's current credentials, {@code setUp} sets one up. */
    private FleetSetUp.Vehicles counting(Function<String, Optional<VehicleCredentials>> stored, Function<String, VehicleCredentials> setUp) {
        return new FleetSetUp.Vehicles() {
            @Override
            public Optional<VehicleCredentials> current(String vin) {
                reads.computeIfAbsent(vin, v -> new AtomicInteger()).incrementAndGet();
                return stored.apply(vin);
            }

            @Override
            public VehicleCredentials setUp(String vin) {
                setUps.computeIfAbsent(vin, v -> new AtomicInteger()).incrementAndGet();
                return setUp.apply(vin);
            }
        };
    }

    @Test
    void readsEachVehiclesStoredCredentialsOnceAndSetsUpOnlyThoseWithoutCurrentOnes() throws Exception {
        AtomicInteger announced = new AtomicInteger(-1);
        List<VehicleCredentials> fleet = new FleetSetUp(2).credentials(VINS,
                counting(vin -> vin.equals(VINS.get(1)) ? Optional.of(creds(vin, "stored")) : Optional.empty(),
                        vin -> creds(vin, "new")),
                announced::set);

        assertThat(fleet).containsExactly(creds(VINS.get(0), "new"), creds(VINS.get(1), "stored"), creds(VINS.get(2), "new"));
        assertThat(announced.get()).isEqualTo(2);
        assertThat(reads).as("one read per vehicle").containsOnlyKeys(VINS).allSatisfy((vin, n) -> assertThat(n).hasValue(1));
        assertThat(setUps).containsOnlyKeys(VINS.get(0), VINS.get(2)).allSatisfy((vin, n) -> assertThat(n).hasValue(1));
    }

    @Test
    void stoppingDuringTheSetUpEndsItAtOnceInterruptsWhatRunsAndStartsNothingQueued() throws Exception {
        FleetSetUp setUp = new FleetSetUp(2);
        CountDownLatch twoRunning = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        List<String> vins = List.of("CMSA0000000000001", "CMSA0000000000002", "CMSA0000000000003", "CMSA0000000000004",
                "CMSA0000000000005", "CMSA0000000000006");
        FleetSetUp.Vehicles blocking = counting(vin -> Optional.empty(), vin -> {
            twoRunning.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw new IllegalStateException("interrupted while provisioning " + vin, e);
            }
            throw new AssertionError("not reached");
        });
        CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
            try {
                return setUp.credentials(vins, blocking, n -> { });
            } catch (Exception e) {
                return e;
            }
        });
        assertThat(twoRunning.await(10, TimeUnit.SECONDS)).as("two set-ups under way").isTrue();

        long t0 = System.nanoTime();
        setUp.stop();
        Object ended = run.get(5, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(FleetSetUp.WIND_DOWN.toMillis());
        assertThat(ended).isInstanceOf(FleetSetUp.StoppedException.class);
        assertThat(interrupted).as("the running set-ups were interrupted before it returned").hasValue(2);
        assertThat(setUps).as("the queued ones never started").hasSize(2);
    }

    @Test
    void aStopWhileReadingEndsItBeforeAnyVehicleIsSetUp() {
        FleetSetUp setUp = new FleetSetUp(2);
        FleetSetUp.Vehicles stopsOnTheLastRead = counting(vin -> {
            if (vin.equals(VINS.get(2))) {
                setUp.stop();
            }
            return Optional.empty();
        }, vin -> creds(vin, "new"));

        assertThatThrownBy(() -> setUp.credentials(VINS, stopsOnTheLastRead, n -> { }))
                .isInstanceOf(FleetSetUp.StoppedException.class);
        assertThat(setUps).isEmpty();
    }

    @Test
    void aStopBetweenReadingAndSettingUpIsAStopNotARejectedTask() {
        FleetSetUp setUp = new FleetSetUp(2);

        // The stop comes as "setting up N of M vehicles" is printed, after the reads, before the set-ups.
        assertThatThrownBy(() -> setUp.credentials(VINS, counting(vin -> Optional.empty(), vin -> creds(vin, "new")),
                n -> setUp.stop())).isInstanceOf(FleetSetUp.StoppedException.class);
        assertThat(reads).hasSize(3);
        assertThat(setUps).isEmpty();
    }

    @Test
    void aStopBeforeTheStartDoesNothing() {
        FleetSetUp setUp = new FleetSetUp(2);
        setUp.stop();

        assertThatThrownBy(() -> setUp.credentials(VINS, counting(vin -> Optional.empty(), vin -> creds(vin, "new")), n -> { }))
                .isInstanceOf(FleetSetUp.StoppedException.class);
        assertThat(reads).isEmpty();
        assertThat(setUps).isEmpty();
    }

    @Test
    void aFailedSetUpIsThrownAsItIs() {
        IllegalStateException refused = new IllegalStateException("provisioning refused");
        assertThatThrownBy(() -> new FleetSetUp(2).credentials(VINS, counting(vin -> Optional.empty(), vin -> {
            throw refused;
        }), n -> { })).isSameAs(refused);
    }
}
