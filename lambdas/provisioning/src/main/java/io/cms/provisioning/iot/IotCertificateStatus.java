package io.cms.provisioning.iot;

/** Certificate states in the IoT registry (the subset Provisioning meets, plus OTHER). */
public enum IotCertificateStatus {
    ACTIVE,
    INACTIVE,
    REVOKED,
    PENDING_ACTIVATION,
    /** Any state IoT may report that Provisioning never sets (transfer states, REGISTER_INACTIVE). */
    OTHER
}
