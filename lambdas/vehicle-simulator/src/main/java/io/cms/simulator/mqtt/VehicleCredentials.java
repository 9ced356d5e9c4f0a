package io.cms.simulator.mqtt;

import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A vehicle's identity: its thing name (the VIN) and its certificate and private key.
 *
 * @param thingName the thing name, which is also the MQTT client id
 * @param certificateId the certificate's id
 * @param certificatePem the certificate (PEM)
 * @param privateKeyPem the private key (PKCS#8 PEM)
 */
public record VehicleCredentials(String thingName, String certificateId, String certificatePem, String privateKeyPem) {

    @Override
    public String toString() {
        // Never print the key.
        return "VehicleCredentials[thingName=" + thingName + ", certificateId=" + certificateId + "]";
    }

    /** Writes {@code certificate.pem}, {@code private.key} (owner-only) and {@code certificate.id} into {@code dir}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("certificate.pem"), certificatePem);
            // Owner-only from the start, replaced atomically.
            PrivateFiles.write(dir.resolve("private.key"), privateKeyPem);
            Files.writeString(dir.resolve("certificate.id"), certificateId + "\n");
            Files.writeString(dir.resolve("thing.name"), thingName + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the credentials of " + thingName + " in " + dir, e);
        }
    }

    /** Reads credentials written by {@link #save}. */
    public static VehicleCredentials load(Path dir) {
        try {
            return new VehicleCredentials(
                    Files.readString(dir.resolve("thing.name")).trim(),
                    Files.readString(dir.resolve("certificate.id")).trim(),
                    Files.readString(dir.resolve("certificate.pem")),
                    Files.readString(dir.resolve("private.key")));
        } catch (IOException e) {
            throw new UncheckedIOException("no vehicle credentials in " + dir + " (" + e.getMessage() + ")", e);
        }
    }
}
