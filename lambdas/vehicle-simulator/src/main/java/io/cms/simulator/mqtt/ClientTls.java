package io.cms.simulator.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
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

/** TLS material of an MQTT client built from PEM credentials, as a vehicle holds them. */
public final class ClientTls {

    private ClientTls() {
    }

    /** The TLS configuration of a HiveMQ MQTT client presenting the certificate and trusting only {@code caPem}. */
    public static MqttClientSslConfig sslConfig(String caPem, String certificatePem, String privateKeyPem) {
        return MqttClientSslConfig.builder()
                .keyManagerFactory(keyManagers(certificatePem, privateKeyPem))
                .trustManagerFactory(trustManagers(caPem))
                .build();
    }

    /** A socket factory for clients that take one (e.g. Eclipse Paho). */
    public static SSLSocketFactory socketFactory(String caPem, String certificatePem, String privateKeyPem) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(certificatePem, privateKeyPem).getKeyManagers(), trustManagers(caPem).getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable TLS credentials: " + e.getMessage(), e);
        }
    }

    /** Key managers holding the client certificate and key. */
    public static KeyManagerFactory keyManagers(String certificatePem, String privateKeyPem) {
        try {
            X509Certificate cert = Pem.readCertificate(certificatePem);
            PrivateKey key = Pem.readPrivateKey(privateKeyPem);
            char[] password = "client".toCharArray();
            // JKS: an in-memory key store whose key protection is cheap (PKCS12 runs PBKDF2 with 10 000
            // iterations per key, about 8 ms per vehicle; this store never reaches the disk).
            KeyStore keys = KeyStore.getInstance("JKS");
            keys.load(null, null);
            keys.setKeyEntry("client", key, password, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            return kmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable client certificate or key: " + e.getMessage(), e);
        }
    }

    /** Trust managers that trust only {@code caPem}. */
    public static TrustManagerFactory trustManagers(String caPem) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", Pem.readCertificate(caPem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("unusable CA certificate: " + e.getMessage(), e);
        }
    }
}
