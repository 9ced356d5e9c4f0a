package io.cms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C or SIGTERM while CMS Local is still starting: the boot gives up after its current step,
 * what it started is stopped in reverse order, the data directory is unlocked, the ports are free.
 */
class CmsLocalStopWhileStartingTest {

    @TempDir
    Path dir;

    private static CmsLocalSettings settings(Path dataDir, int mqttPort, int dynamoPort, int httpPort, int oidcPort) {
        return new CmsLocalSettings(dataDir, "cms", mqttPort, dynamoPort, httpPort, oidcPort, Duration.ofSeconds(1));
    }

    /** Starts {@code local.boot()} on its own thread, as {@code cms local up} does; what it throws lands in {@code error}. */
    private static Thread bootInTheBackground(CmsLocal local, AtomicReference<Throwable> error) {
        Thread boot = new Thread(() -> {
            try {
                local.boot();
            } catch (Throwable e) {
                error.set(e);
            }
        }, "boot");
        boot.start();
        return boot;
    }

    @Test
    void aStopDuringTheBootAbortsItAndStopsWhatHadStarted() throws Exception {
        int mqttPort = Ports.free();
        int dynamoPort = Ports.free();
        int httpPort = Ports.free();
        int oidcPort = Ports.free();
        CmsLocalSettings settings = settings(dir, mqttPort, dynamoPort, httpPort, oidcPort);
        List<String> started = new CopyOnWriteArrayList<>();
        AtomicReference<CmsLocal> instance = new AtomicReference<>();
        AtomicReference<Thread> stopper = new AtomicReference<>();
        CmsLocal local = CmsLocal.create(settings, part -> {
            started.add(part);
            if (part.equals("DynamoDB Local")) {
                // Ctrl-C as the shutdown hook sees it: close() from another thread, while the boot runs.
                Thread stop = new Thread(instance.get()::close, "stopper");
                stopper.set(stop);
                stop.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!instance.get().stopRequested() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        }, CmsLocal.DEFAULT_STOP_WAIT);
        instance.set(local);
        AtomicReference<Throwable> bootError = new AtomicReference<>();
        Thread boot = bootInTheBackground(local, bootError);
        boot.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(boot.isAlive()).as("the boot is still running").isFalse();
        assertThat(stopper.get()).as("the boot reached DynamoDB Local").isNotNull();
        stopper.get().join(TimeUnit.SECONDS.toMillis(30));
        assertThat(stopper.get().isAlive()).as("close() is still waiting").isFalse();

        assertThat(bootError.get()).isInstanceOf(CmsLocal.StoppedWhileStartingException.class)
                .hasMessage("CMS Local was stopped while starting");
        assertThat(started).as("the boot went no further than DynamoDB Local")
                .containsExactly("data directory lock", "OIDC issuer", "IoT registry", "DynamoDB Local");
        // Everything that started is stopped: the data directory is unlocked and the ports are free.
        DataDirLock.acquire(dir.toAbsolutePath()).close();
        Ports.requireFree(dynamoPort, "DynamoDB Local", "--dynamodb-port");
        Ports.requireFree(oidcPort, "the OIDC issuer", "--oidc-port");
        assertThat(dir.resolve(LocalEndpoints.FILE)).doesNotExist();
        local.close(); // once more: nothing left to close

        try (CmsLocal again = CmsLocal.start(settings)) {
            assertThat(again.mqttPort()).isEqualTo(mqttPort);
            assertThat(again.dynamo().endpoint()).hasToString("http://127.0.0.1:" + dynamoPort);
        }
        DataDirLock.acquire(dir.toAbsolutePath()).close();
        Ports.requireFree(mqttPort, "MQTT", "--mqtt-port");
        Ports.requireFree(httpPort, "the GraphQL APIs", "--http-port");
    }

    @Test
    void aBootStepThatHangsDelaysTheStopOnlyUntilTheWaitRunsOut() throws Exception {
        java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(1);
        List<String> started = new CopyOnWriteArrayList<>();
        // The step after the IoT registry never finishes (until the test lets it).
        CmsLocal local = CmsLocal.create(CmsLocalSettings.ephemeral(dir), part -> {
            started.add(part);
            if (part.equals("IoT registry")) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, Duration.ofMillis(300));
        AtomicReference<Throwable> bootError = new AtomicReference<>();
        Thread boot = bootInTheBackground(local, bootError);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!started.contains("IoT registry") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(started).contains("IoT registry");

        Thread stop = new Thread(local::close, "stopper");
        stop.start();
        stop.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(stop.isAlive()).as("close() still waits for the hanging step").isFalse();
        // What had started is stopped although the boot still hangs: the data directory is unlocked.
        assertThat(boot.isAlive()).isTrue();
        DataDirLock.acquire(dir.toAbsolutePath()).close();

        hang.countDown();
        boot.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(bootError.get()).hasMessage("CMS Local was stopped while starting");
        assertThat(started).as("the boot went no further once the step ended").last().isEqualTo("IoT registry");
    }

    @Test
    void aSecondBootIsRefused() {
        CmsLocal local = CmsLocal.create(CmsLocalSettings.ephemeral(dir.resolve("data")));
        local.close();
        assertThatThrownBy(local::boot).hasMessage("CMS Local was stopped while starting");
        assertThatThrownBy(local::boot).isInstanceOf(IllegalStateException.class).hasMessage("CMS Local was already started");
    }

    @Test
    void aStopBeforeTheBootMeansItStartsNothing() {
        CmsLocal local = CmsLocal.create(CmsLocalSettings.ephemeral(dir.resolve("data")));
        local.close();

        assertThatThrownBy(local::boot).isInstanceOf(IllegalStateException.class)
                .hasMessage("CMS Local was stopped while starting");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void closeCalledInsideTheBootStopsItAtItsNextStep() {
        AtomicReference<CmsLocal> instance = new AtomicReference<>();
        List<String> started = new CopyOnWriteArrayList<>();
        CmsLocal local = CmsLocal.create(CmsLocalSettings.ephemeral(dir), part -> {
            started.add(part);
            instance.get().close(); // must not wait for the boot it is part of
        }, CmsLocal.DEFAULT_STOP_WAIT);
        instance.set(local);

        assertThatThrownBy(local::boot).hasMessage("CMS Local was stopped while starting");
        assertThat(started).containsExactly("data directory lock");
        DataDirLock.acquire(dir.toAbsolutePath()).close();
    }

    /**
     * {@code make local} as a user runs it, stopped with SIGTERM once it holds the data directory
     * (the boot is then well under way, and the banner seconds away).
     */
    @Test
    void sigtermWhileStartingStopsTheProcessCleanly(@TempDir Path logs) throws Exception {
        int mqttPort = Ports.free();
        int dynamoPort = Ports.free();
        int httpPort = Ports.free();
        int oidcPort = Ports.free();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                CmsLocalMain.class.getName(), "--data-dir", dir.toString(), "--mqtt-port", Integer.toString(mqttPort),
                "--dynamodb-port", Integer.toString(dynamoPort), "--http-port", Integer.toString(httpPort),
                "--oidc-port", Integer.toString(oidcPort), "--lake-commit", "1s"))
                .redirectErrorStream(true).redirectOutput(logs.resolve("child.log").toFile()).start();
        try {
            // The lock file holds the child's pid once it has taken the lock: the boot has begun.
            Path lockFile = dir.resolve("cms-local.lock");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(lockFile) && Files.size(lockFile) > 0) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(child.isAlive()).as("child alive while starting; output:%n%s", text(logs)).isTrue();
            assertThat(Files.size(lockFile)).as("the child took the lock").isPositive();

            child.destroy(); // SIGTERM

            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child exits; output:%n%s", text(logs)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        String out = text(logs);
        assertThat(out).contains("CMS Local: stopping (committing the lake, closing the broker)...")
                .doesNotContain("CMS Local is running");
        DataDirLock.acquire(dir.toAbsolutePath()).close();
        Ports.requireFree(dynamoPort, "DynamoDB Local", "--dynamodb-port");
        Ports.requireFree(mqttPort, "MQTT", "--mqtt-port");
    }

    private static String text(Path logs) throws IOException {
        Path log = logs.resolve("child.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
