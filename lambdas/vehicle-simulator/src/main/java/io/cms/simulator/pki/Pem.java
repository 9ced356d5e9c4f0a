package io.cms.simulator.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM encoding of certificates, keys and CSRs. Private keys are always written as PKCS#8
 * ({@code BEGIN PRIVATE KEY}): SEC1 EC keys without the curve OID are refused by OpenSSL 3 and
 * mosquitto, so every client a vehicle maker uses can read what we write.
 */
public final class Pem {

    private Pem() {
    }

    /** A certificate as PEM. */
    public static String certificate(X509Certificate certificate) {
        return write(certificate);
    }

    /** A private key as PKCS#8 PEM. */
    public static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one certificate; a malformed input is an {@link IllegalArgumentException}. */
    public static X509Certificate readCertificate(String pem) {
        Object parsed = parse(pem);
        if (!(parsed instanceof X509CertificateHolder holder)) {
            throw new IllegalArgumentException("not a PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    /** Reads a private key (PKCS#8 or a key pair). */
    public static PrivateKey readPrivateKey(String pem) {
        Object parsed = parse(pem);
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a PEM private key");
    }

    /** Reads a PKCS#10 certificate signing request. */
    public static PKCS10CertificationRequest readCsr(String pem) {
        Object parsed = parse(pem);
        if (!(parsed instanceof PKCS10CertificationRequest csr)) {
            throw new IllegalArgumentException("not a PEM certificate signing request");
        }
        return csr;
    }

    /** Any PEM object. */
    public static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Object parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("empty PEM input");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (parsed == null) {
                throw new IllegalArgumentException("no PEM object found");
            }
            return parsed;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
        }
    }
}
