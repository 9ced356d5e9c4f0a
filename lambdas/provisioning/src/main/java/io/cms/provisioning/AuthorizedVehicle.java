package io.cms.provisioning;

/**
 * A row of {@code AuthorizedVehicles}: a VIN the operator allows to provision, and the per-VIN
 * activation pointer that keeps exactly one certificate ACTIVE.
 *
 * @param vin the VIN (validated)
 * @param make the make
 * @param model the model
 * @param year the model year (four digits)
 * @param allowProvisioning whether it may provision a new certificate now: true once an operator
 *     authorized it, false again after the activation of a certificate consumed that authorization
 *     (and after a revocation). A provisioned vehicle therefore normally reads false with an
 *     {@code activeCertificateId}; false without one means revoked (or never provisioned since
 *     being revoked)
 * @param activeCertificateId the certificate the vehicle connects with, or null
 * @param activeGeneration the provisioning generation of the last activation (0 if none)
 */
public record AuthorizedVehicle(String vin, String make, String model, String year, boolean allowProvisioning,
                                String activeCertificateId, long activeGeneration) {
}
