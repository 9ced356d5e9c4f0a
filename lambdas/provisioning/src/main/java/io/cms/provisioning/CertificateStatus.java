package io.cms.provisioning;

/**
 * The life of a vehicle certificate in {@code ProvisionedVehicles}.
 *
 * <ul>
 *   <li>{@link #PENDING_ACTIVATION}: the pre-provisioning hook allowed it; IoT is registering the thing.</li>
 *   <li>{@link #ACTIVE}: the one certificate the vehicle connects with (at most one per VIN).</li>
 *   <li>{@link #INACTIVE}: retired in the table; its IoT certificate is being (or has been) deactivated.</li>
 *   <li>{@link #DELETED}: deactivated, detached and deleted in IoT; the row stays as history.</li>
 * </ul>
 */
public enum CertificateStatus {
    PENDING_ACTIVATION,
    ACTIVE,
    INACTIVE,
    DELETED
}
