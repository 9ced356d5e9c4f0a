package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @TempDir
    Path dir;

    @Test
    void aPrivateFileIsOwnerOnlyAndReplacedAtomically() throws Exception {
        Path file = dir.resolve("ca.key");
        PrivateFiles.write(file, "first");
        PrivateFiles.write(file, "second");

        assertThat(Files.readString(file)).isEqualTo("second");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("ca.key.tmp")).doesNotExist();
    }

    @Test
    void aTemporaryFileLeftByACrashIsReplacedNotReused() throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(dir.resolve("secret.tmp"), "half a key");
        Files.setPosixFilePermissions(dir.resolve("secret.tmp"), PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFiles.write(file, "whole");

        assertThat(Files.readString(file)).isEqualTo("whole");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aNewDirectoryIsOwnerOnlyAndAnExistingOneIsLeftAlone() throws Exception {
        Path fresh = dir.resolve("a/b/data");
        PrivateFiles.createDirectory(fresh);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");

        Path existing = Files.createDirectory(dir.resolve("mine"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));
        PrivateFiles.createDirectory(existing);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwxr-x---");
    }
}
