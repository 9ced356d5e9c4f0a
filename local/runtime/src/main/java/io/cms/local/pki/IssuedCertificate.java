package io.cms.local.pki;

import io.cms.simulator.pki.Pem;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate issued by the local CA, with its private key when the CA generated the key.
 *
 * @param certificateId the AWS IoT style id: lower-case hex SHA-256 of the DER certificate
 * @param certificate the certificate
 * @param privateKey the key, or null when the certificate was made from a CSR
 */
public record IssuedCertificate(String certificateId, X509Certificate certificate, PrivateKey privateKey) {

    /** The certificate as PEM. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The key as PKCS#8 PEM. */
    public String privateKeyPem() {
        if (privateKey == null) {
            throw new IllegalStateException("certificate " + certificateId + " was made from a CSR; its key never left the device");
        }
        return Pem.privateKey(privateKey);
    }
}
