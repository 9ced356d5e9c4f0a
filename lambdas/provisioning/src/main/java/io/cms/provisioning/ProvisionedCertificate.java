package io.cms.provisioning;

import java.time.Instant;

/**
 * A row of {@code ProvisionedVehicles}: one certificate ever issued to a VIN.
 *
 * @param vin the VIN (partition key)
 * @param certificateId the IoT certificate id (sort key)
 * @param status its status in the table
 * @param thingName the IoT thing it belongs to
 * @param generation the provisioning generation handed out by the pre-provisioning hook
 * @param hasVehicleConnectedOnce whether the vehicle reported its first connection with it
 * @param createdAt when the pre-provisioning hook recorded it
 * @param updatedAt when it last changed
 */
public record ProvisionedCertificate(String vin, String certificateId, CertificateStatus status, String thingName,
                                     long generation, boolean hasVehicleConnectedOnce, Instant createdAt,
                                     Instant updatedAt) {
}
