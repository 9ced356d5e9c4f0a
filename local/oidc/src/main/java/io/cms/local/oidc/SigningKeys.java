package io.cms.local.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * Creates the issuer's RSA signing key, or loads it from a directory so that tokens issued before a
 * restart of CMS Local stay valid. The key file holds the private key: it is written owner-only
 * (where the file system supports POSIX permissions), atomically, and never logged.
 */
final class SigningKeys {

    static final String FILE_NAME = "oidc-signing-key.jwk.json";

    private SigningKeys() {
    }

    /** A fresh 2048-bit RS256 key whose {@code kid} is its RFC 7638 thumbprint. */
    static RSAKey generate() {
        try {
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            return new RSAKey.Builder(key).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** The key stored in {@code directory}, or a new one written there. */
    static RSAKey loadOrCreate(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            Files.createDirectories(directory);
            RSAKey key = generate();
            Path tmp = Files.createTempFile(directory, FILE_NAME, ".tmp");
            try {
                restrict(tmp);
                Files.writeString(tmp, key.toJSONString(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the OIDC signing key in " + directory, e);
        }
    }

    private static RSAKey load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        RSAKey key;
        try {
            key = RSAKey.parse(text);
        } catch (ParseException e) {
            throw new IllegalStateException("the OIDC signing key file " + file + " is not an RSA JWK (" + e.getMessage()
                    + "); delete it to generate a new key (tokens issued with the old key become invalid)", e);
        }
        if (!key.isPrivate()) {
            throw new IllegalStateException("the OIDC signing key file " + file + " holds no private key; delete it to"
                    + " generate a new key");
        }
        if (key.getKeyID() == null) {
            try {
                key = new RSAKey.Builder(key).keyIDFromThumbprint().build();
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot compute the key id of " + file, e);
            }
        }
        return key;
    }

    private static void restrict(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
