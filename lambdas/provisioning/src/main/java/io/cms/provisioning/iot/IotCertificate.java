package io.cms.provisioning.iot;

/**
 * A certificate as IoT describes it.
 *
 * @param certificateId the 64-hex-character certificate id
 * @param arn the certificate ARN (principal attached to things)
 * @param status its status in IoT
 */
public record IotCertificate(String certificateId, String arn, IotCertificateStatus status) {
}
