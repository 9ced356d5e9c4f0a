package io.cms.local.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void aSecretIsMadeOnceAndKeptAcrossCalls() {
        byte[] first = SecretFiles.loadOrCreate(dir.resolve("a/key"), 32);
        byte[] again = SecretFiles.loadOrCreate(dir.resolve("a/key"), 32);

        assertThat(first).hasSize(32).isEqualTo(again);
        assertThat(SecretFiles.loadOrCreate(dir.resolve("b/key"), 32)).isNotEqualTo(first);
    }

    @Test
    void aDamagedSecretFileFailsNamingTheFile() throws Exception {
        Path notHex = dir.resolve("not-hex");
        Files.writeString(notHex, "zz-not-hex");
        Path shortKey = dir.resolve("short");
        Files.writeString(shortKey, "abcd");

        assertThatThrownBy(() -> SecretFiles.loadOrCreate(notHex, 32)).hasMessageContaining(notHex.toString())
                .hasMessageContaining("not hex");
        assertThatThrownBy(() -> SecretFiles.loadOrCreate(shortKey, 32)).hasMessageContaining("2 bytes, expected 32");
        assertThat(Files.readString(shortKey)).isEqualTo("abcd");
    }
}
