package io.cms.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local/cli/bin/cms} runs the JVM from a snapshot of the project's jars and classes, so a
 * rebuild while {@code cms local up} runs cannot rewrite the jars under it. Runs the real launcher
 * script in a copy of the repository layout with a stand-in {@code java} that prints its classpath
 * (no build: the stand-in tree has no sources newer than its classpath file).
 */
class LauncherSnapshotTest {

    @TempDir
    Path repo;

    @TempDir
    Path m2;

    private Path runtimeJar;
    private Path thirdParty;

    @BeforeEach
    void layOutRepository() throws IOException {
        Path bin = Files.createDirectories(repo.resolve("local/cli/bin"));
        Files.copy(Path.of("bin", "cms"), bin.resolve("cms"));
        Path target = Files.createDirectories(repo.resolve("local/cli/target"));
        Files.writeString(Files.createDirectories(target.resolve("classes/io/cms/cli")).resolve("CmsCli.class"), "cli v1");
        runtimeJar = Files.createDirectories(repo.resolve("local/runtime/target")).resolve("local-runtime.jar");
        Files.writeString(runtimeJar, "runtime v1");
        thirdParty = m2.resolve("picocli.jar");
        Files.writeString(thirdParty, "third party");
        // Written like Maven's file: no final newline. The third-party entry stays where it is.
        String root = repo.toRealPath().toString();
        Files.writeString(target.resolve("classpath.txt"),
                root + "/local/runtime/target/local-runtime.jar:" + thirdParty.toRealPath());
        Path fakeBin = Files.createDirectories(repo.resolve("fake-bin"));
        Path java = fakeBin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nwhile [ \"$1\" != \"-cp\" ]; do shift; done\necho \"$2\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("local/cli/bin/cms").toString(), "--version")
                .redirectErrorStream(true);
        pb.environment().put("PATH", repo.resolve("fake-bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(out).isZero();
        return List.of(out.split(":"));
    }

    @Test
    void theJvmRunsFromACopyThatARebuildDoesNotTouch() throws Exception {
        List<String> first = launch();

        Path launch = repo.toRealPath().resolve("local/cli/target/launch");
        assertThat(first).hasSize(3);
        assertThat(first.get(0)).startsWith(launch.toString()).endsWith("0-classes");
        assertThat(Path.of(first.get(0), "io/cms/cli/CmsCli.class")).hasContent("cli v1");
        assertThat(first.get(1)).startsWith(launch.toString());
        assertThat(Path.of(first.get(1))).hasContent("runtime v1");
        assertThat(first.get(2)).as("jars outside the repository are used where they are")
                .isEqualTo(thirdParty.toRealPath().toString());

        assertThat(launch()).as("nothing rebuilt: the same snapshot").isEqualTo(first);

        // A rebuild rewrites the jar in place: the next launch takes a new snapshot, the running one keeps its bytes.
        Files.writeString(runtimeJar, "runtime v2");
        Files.setLastModifiedTime(runtimeJar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        List<String> second = launch();

        assertThat(Path.of(second.get(1))).hasContent("runtime v2");
        assertThat(Path.of(first.get(1))).hasContent("runtime v1");
        assertThat(Path.of(second.get(0)).getParent()).isNotEqualTo(Path.of(first.get(0)).getParent());
    }
}
