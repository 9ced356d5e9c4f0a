package io.cms.simulator.mqtt;

import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A vehicle's identity: its thing name (the VIN) and its certificate and private key.
 *
 * @param thingName the thing name, which is also the MQTT client id
 * @param certificateId the certificate's id
 * @param certificatePem the certificate (PEM)
 * @param privateKeyPem the private key (PKCS#8 PEM)
 */
public record VehicleCredentials(String thingName, String certificateId, String certificatePem, String privateKeyPem) {

    public static final String CERTIFICATE = "certificate.pem";
    public static final String PRIVATE_KEY = "private.key";
    public static final String CERTIFICATE_ID = "certificate.id";
    public static final String THING_NAME = "thing.name";

    @Override
    public String toString() {
        // Never print the key.
        return "VehicleCredentials[thingName=" + thingName + ", certificateId=" + certificateId + "]";
    }

    /** The files {@link #save} writes; a directory missing one of them was not completely written. */
    public static final List<String> FILES = List.of(THING_NAME, CERTIFICATE_ID, CERTIFICATE, PRIVATE_KEY);

    /** Writes {@code certificate.pem}, {@code private.key} (owner-only) and {@code certificate.id} into {@code dir}. */
    public void save(Path dir) {
        save(dir, Map.of());
    }

    /**
     * Writes the credentials and {@code extra} files (name to content) into {@code dir}, all or
     * nothing: they are written into a new owner-only sibling directory that then takes the place
     * of {@code dir}, so an interrupted save never leaves a directory with only some of the files.
     */
    public void save(Path dir, Map<String, String> extra) {
        Path target = dir.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            // Created owner-only (rwx------) on POSIX file systems.
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".new-");
            Files.writeString(tmp.resolve(CERTIFICATE), certificatePem);
            // Owner-only from the start.
            PrivateFiles.write(tmp.resolve(PRIVATE_KEY), privateKeyPem);
            Files.writeString(tmp.resolve(CERTIFICATE_ID), certificateId + "\n");
            Files.writeString(tmp.resolve(THING_NAME), thingName + "\n");
            for (Map.Entry<String, String> e : extra.entrySet()) {
                Files.writeString(tmp.resolve(e.getKey()), e.getValue());
            }
            if (Files.exists(target)) {
                // A directory cannot replace a non-empty one in one step: move the old one aside first.
                Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
                Files.move(target, old, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the credentials of " + thingName + " in " + dir, e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /** Whether {@code dir} holds every file {@link #save} writes (else it was not completely written). */
    public static boolean isComplete(Path dir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Left behind: a hidden directory, ignored by readers.
        }
    }

    /** Reads credentials written by {@link #save}. */
    public static VehicleCredentials load(Path dir) {
        try {
            return new VehicleCredentials(
                    Files.readString(dir.resolve(THING_NAME)).trim(),
                    Files.readString(dir.resolve(CERTIFICATE_ID)).trim(),
                    Files.readString(dir.resolve(CERTIFICATE)),
                    Files.readString(dir.resolve(PRIVATE_KEY)));
        } catch (IOException e) {
            throw new UncheckedIOException("no vehicle credentials in " + dir + " (" + e.getMessage() + ")", e);
        }
    }
}
