package io.cms.local.pki;

import io.cms.lambda.common.PrivateFiles;
import io.cms.simulator.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The certificate authority of CMS Local: it plays the part of AWS IoT's certificate issuer. It
 * signs the broker's server certificate, the fleet-provisioning claim certificate and every
 * vehicle certificate (generated keys, or a vehicle's own CSR). Keys are EC P-256 (fast enough to
 * provision ten thousand simulated vehicles). The CA key and certificate persist in the data
 * directory, so vehicles provisioned before a restart keep working.
 */
public final class LocalCa {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private LocalCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Loads {@code ca.pem}/{@code ca.key} from {@code dir}, or creates them (valid ten years). */
    public static LocalCa loadOrCreate(Path dir) {
        Path certFile = dir.resolve("ca.pem");
        Path keyFile = dir.resolve("ca.key");
        try {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                return new LocalCa(Pem.readCertificate(Files.readString(certFile)), Pem.readPrivateKey(Files.readString(keyFile)));
            }
            Files.createDirectories(dir);
            KeyPair pair = newKeyPair();
            X500Name name = name("CMS Local Root CA");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(builder, pair.getPrivate());
            PrivateFiles.write(keyFile, Pem.privateKey(pair.getPrivate()));
            PrivateFiles.write(certFile, Pem.certificate(cert));
            return new LocalCa(cert, pair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local CA in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the local CA", e);
        }
    }

    /** The CA certificate clients must trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** A fresh EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JVM", e);
        }
    }

    /** A TLS server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public IssuedCertificate issueServer(String commonName, Duration validity) {
        KeyPair pair = newKeyPair();
        X509Certificate cert = issue(commonName, pair.getPublic(), validity, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        return new IssuedCertificate(certificateId(cert), cert, pair.getPrivate());
    }

    /** A client certificate with a generated key (AWS IoT CreateKeysAndCertificate). */
    public IssuedCertificate issueClient(String commonName, Duration validity) {
        KeyPair pair = newKeyPair();
        X509Certificate cert = issue(commonName, pair.getPublic(), validity, KeyPurposeId.id_kp_clientAuth, null);
        return new IssuedCertificate(certificateId(cert), cert, pair.getPrivate());
    }

    /** A client certificate for a device's own CSR (AWS IoT CreateCertificateFromCsr). */
    public IssuedCertificate signCsr(String csrPem, String commonName, Duration validity) {
        PKCS10CertificationRequest csr = Pem.readCsr(csrPem);
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
            PublicKey publicKey = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new IllegalArgumentException("the CSR's signature does not match its public key");
            }
            X509Certificate cert = issue(commonName, publicKey, validity, KeyPurposeId.id_kp_clientAuth, null);
            return new IssuedCertificate(certificateId(cert), cert, null);
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("unusable CSR: " + e.getMessage(), e);
        }
    }

    /** The AWS IoT style certificate id: hex SHA-256 of the DER encoding. */
    public static String certificateId(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 key store holding one key and its chain (for the broker's TLS listener). */
    public KeyStore keyStore(IssuedCertificate issued, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", issued.privateKey(), password, new Certificate[] {issued.certificate(), certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store", e);
        }
    }

    /** A PKCS#12 trust store holding the CA certificate. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("cms-local-ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }

    private X509Certificate issue(String commonName, PublicKey publicKey, Duration validity, KeyPurposeId purpose,
                                  GeneralNames altNames) {
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), name(commonName), publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return sign(builder, key);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "CMS Local").addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(128, RANDOM);
    }

    /** The common name of a certificate's subject. */
    public static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        var rdns = subject.getRDNs(BCStyle.CN);
        return rdns.length == 0 ? null : rdns[0].getFirst().getValue().toString();
    }


}
