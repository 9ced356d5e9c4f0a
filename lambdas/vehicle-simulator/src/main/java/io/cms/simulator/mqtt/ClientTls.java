package io.cms.simulator.mqtt;

import io.cms.simulator.pki.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS socket factory of an MQTT client from PEM credentials, as a vehicle holds them. */
public final class ClientTls {

    private ClientTls() {
    }

    /**
     * A socket factory presenting {@code certificatePem}/{@code privateKeyPem} and trusting only
     * {@code caPem}.
     */
    public static SSLSocketFactory socketFactory(String caPem, String certificatePem, String privateKeyPem) {
        try {
            X509Certificate ca = Pem.readCertificate(caPem);
            X509Certificate cert = Pem.readCertificate(certificatePem);
            PrivateKey key = Pem.readPrivateKey(privateKeyPem);
            char[] password = "client".toCharArray();

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, password, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable TLS credentials: " + e.getMessage(), e);
        }
    }
}
