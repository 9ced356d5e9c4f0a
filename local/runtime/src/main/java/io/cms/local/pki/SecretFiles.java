package io.cms.local.pki;

import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets CMS Local generates once and keeps in its data directory (hex text files). */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /**
     * The secret in {@code file}, or a new one of {@code bytes} random bytes written there
     * atomically. A file that is not hex of that length fails with a message naming it.
     */
    public static byte[] loadOrCreate(Path file, int bytes) {
        try {
            if (Files.exists(file)) {
                byte[] secret = HexFormat.of().parseHex(Files.readString(file).trim());
                if (secret.length != bytes) {
                    throw new IllegalStateException("secret file " + file + " holds " + secret.length + " bytes, expected "
                            + bytes + "; delete it to have a new one made");
                }
                return secret;
            }
            Files.createDirectories(file.getParent());
            byte[] secret = new byte[bytes];
            RANDOM.nextBytes(secret);
            PrivateFiles.write(file, HexFormat.of().formatHex(secret));
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the secret " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("secret file " + file + " is not hex; delete it to have a new one made", e);
        }
    }

    /** {@link #loadOrCreate} as hex text (client secrets). */
    public static String loadOrCreateHex(Path file, int bytes) {
        return HexFormat.of().formatHex(loadOrCreate(file, bytes));
    }
}
