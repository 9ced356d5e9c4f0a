package io.cms.simulator.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.simulator.pki.Pem;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class FleetProvisioningClientTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);
    private static final long BROKER_DELAY_MS = 2_500;

    /**
     * A slow broker: it accepts the TCP connection but completes the TLS handshake and sends the
     * CONNACK only after the client has given up. The claim connection must still be closed then.
     */
    @Test
    void aConnectThatSucceedsAfterTheTimeoutIsClosed() throws Exception {
        VehicleCredentials tls = selfSigned();
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(ClientTls.keyManagers(tls.certificatePem(), tls.privateKeyPem()).getKeyManagers(), null, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> afterConnAck = CompletableFuture.supplyAsync(() -> slowBroker(listener));
            MqttEndpoint endpoint = new MqttEndpoint("127.0.0.1", listener.getLocalPort(), tls.certificatePem());

            assertThatThrownBy(() -> new FleetProvisioningClient(endpoint, tls, "template", CLIENT_TIMEOUT).provision("VIN1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no answer within");

            assertThat(afterConnAck.get(15, TimeUnit.SECONDS)).isEqualTo("closed by the client");
        }
    }

    /** Serves one client late; tells what the client did after the CONNACK. */
    private static String slowBroker(SSLServerSocket listener) {
        try (Socket socket = listener.accept()) {
            Thread.sleep(BROKER_DELAY_MS);
            ((SSLSocket) socket).startHandshake();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.readUnsignedByte();
            assertThat(type >> 4).as("an MQTT CONNECT").isEqualTo(1);
            in.skipNBytes(remainingLength(in));
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
            out.flush();
            // Well under the client's keep-alive (60 s), so no PINGREQ comes first.
            socket.setSoTimeout(5_000);
            return afterConnAck(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String afterConnAck(InputStream in) {
        try {
            int next = in.read();
            return next == -1 || next == 0xE0 ? "closed by the client" : "unexpected packet " + next;
        } catch (SocketTimeoutException e) {
            return "still open";
        } catch (IOException e) {
            return "closed by the client";
        }
    }

    private static int remainingLength(InputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("truncated MQTT packet");
            }
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed MQTT remaining length");
    }

    /** One self-signed certificate for 127.0.0.1: the CA, the broker's certificate and the claim certificate. */
    private static VehicleCredentials selfSigned() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        var certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new VehicleCredentials("claim", "claim", Pem.certificate(certificate), Pem.privateKey(pair.getPrivate()));
    }
}
