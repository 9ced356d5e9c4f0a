package io.cms.local.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.lambda.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker of CMS Local: HiveMQ Community Edition embedded in the JVM, listening on
 * loopback with TLS and REQUIRED client certificates signed by the local CA. Each connection is
 * authorised like AWS IoT Core does: the certificate must be ACTIVE, a vehicle must connect with
 * its thing name as client id, and may only use its own VIN's topics ({@link TopicPolicy}).
 * Published messages that match a {@link TopicRule} are handed to it before the broker
 * acknowledges them.
 */
public final class LocalBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalBroker.class);

    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private final List<TopicRule> rules;
    private final Extension extension;

    private LocalBroker(EmbeddedHiveMQ hivemq, int port, List<TopicRule> rules, Extension extension) {
        this.hivemq = hivemq;
        this.port = port;
        this.rules = rules;
        this.extension = extension;
    }

    /**
     * Starts the broker.
     *
     * @param dir where the broker keeps its configuration, key stores and persistence
     * @param port the TLS port on 127.0.0.1
     * @param ca the local CA (signs the server certificate; trusted for client certificates)
     * @param principals resolves client certificates
     * @param policy the topic rules per principal
     * @param rules the local IoT rules
     */
    public static LocalBroker start(Path dir, int port, LocalCa ca, PrincipalDirectory principals, TopicPolicy policy,
                                    List<TopicRule> rules) {
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("extensions"));
            char[] password = HexFormat.of().formatHex(SecureRandom.getSeed(16)).toCharArray();
            IssuedCertificate server = ca.issueServer("localhost", Duration.ofDays(825));
            Path keyStore = dir.resolve("conf/server.p12");
            Path trustStore = dir.resolve("conf/trust.p12");
            store(ca.keyStore(server, password), keyStore, password);
            store(ca.trustStore(), trustStore, password);
            // The configuration holds the key-store password: owner-only, like the key stores.
            PrivateFiles.write(dir.resolve("conf/config.xml"), config(port, keyStore, trustStore, new String(password)));

            // AWS IoT's fleet-provisioning API lives under $aws/...; HiveMQ refuses client publishes
            // to $-topics unless this internal switch is on. Our topic policy still decides who may
            // use which $aws topic.
            com.hivemq.configuration.service.InternalConfigurations.MQTT_ALLOW_DOLLAR_TOPICS.set(true);
            Extension extension = new Extension(principals, policy, List.copyOf(rules));
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(dir.resolve("conf"))
                    .withDataFolder(dir.resolve("data"))
                    .withExtensionsFolder(dir.resolve("extensions"))
                    .withoutLoggingBootstrap()
                    .withEmbeddedExtension(EmbeddedExtension.builder()
                            .withId("cms-local").withName("CMS Local rules").withVersion("1")
                            .withPriority(1000).withStartPriority(1000).withAuthor("CMS")
                            .withExtensionMain(extension).build())
                    .build();
            try {
                hivemq.start().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                hivemq.close();
                throw new IllegalStateException("the MQTT broker did not start on 127.0.0.1:" + port + ": "
                        + rootMessage(e), e);
            } catch (TimeoutException e) {
                hivemq.close();
                throw new IllegalStateException("the MQTT broker did not start within 60 s", e);
            }
            return new LocalBroker(hivemq, port, rules, extension);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker", e);
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
    }

    /** The TLS port. */
    public int port() {
        return port;
    }

    /** The rules this broker runs. */
    public List<TopicRule> rules() {
        return rules;
    }

    /** Sends a message to one client (replies of request/response topics such as fleet provisioning). */
    public CompletableFuture<Void> publishToClient(String clientId, String topic, byte[] payload) {
        return Services.publishService().publishToClient(Builders.publish()
                        .topic(topic).qos(Qos.AT_LEAST_ONCE).payload(ByteBuffer.wrap(payload)).build(), clientId)
                .thenApply(result -> null);
    }

    /** Publishes a message to every subscriber of its topic. */
    public CompletableFuture<Void> publish(String topic, byte[] payload) {
        return Services.publishService().publish(Builders.publish()
                .topic(topic).qos(Qos.AT_LEAST_ONCE).payload(ByteBuffer.wrap(payload)).build());
    }

    /**
     * Disconnects every client that authenticated with {@code certificateId} (after its
     * certificate was deactivated: IoT Core closes such connections too; the broker otherwise only
     * checks certificates when a client connects).
     *
     * @return how many clients were disconnected
     */
    public int disconnectCertificate(String certificateId) {
        int disconnected = 0;
        for (var entry : java.util.List.copyOf(extension.certificateByClient.entrySet())) {
            if (!entry.getValue().equals(certificateId)) {
                continue;
            }
            String clientId = entry.getKey();
            try {
                if (Services.clientService().disconnectClient(clientId).get(10, TimeUnit.SECONDS)) {
                    disconnected++;
                    LOG.info("disconnected {}: certificate {} is no longer active", clientId, certificateId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while disconnecting " + clientId, e);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("disconnecting {} (certificate {}) failed: {}", clientId, certificateId, rootMessage(e));
            }
            // Conditional: the client id may have connected again meanwhile with another, active certificate.
            extension.certificateByClient.remove(clientId, certificateId);
        }
        return disconnected;
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("broker did not stop cleanly: {}", rootMessage(e));
        } finally {
            try {
                hivemq.close();
            } catch (Exception e) {
                LOG.warn("broker close failed: {}", rootMessage(e));
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void store(KeyStore store, Path file, char[] password) throws IOException {
        PrivateFiles.write(file, out -> {
            try {
                store.store(out, password);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot write " + file, e);
            }
        });
    }

    private static String config(int port, Path keyStore, Path trustStore, String password) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tls-tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                      <tls>
                        <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                        <truststore>
                          <path>%s</path>
                          <password>%s</password>
                        </truststore>
                        <client-authentication-mode>REQUIRED</client-authentication-mode>
                      </tls>
                    </tls-tcp-listener>
                  </listeners>
                  <mqtt>
                    <packets><max-packet-size>1048576</max-packet-size></packets>
                  </mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, keyStore.toAbsolutePath(), password, password, trustStore.toAbsolutePath(), password);
    }

    /** The embedded extension: authentication, authorisation and the rules. */
    private static final class Extension implements ExtensionMain {
        private final PrincipalDirectory principals;
        private final TopicPolicy policy;
        private final List<TopicRule> rules;
        /** Grants of every connected client, checked again before any rule sees a message. */
        private final java.util.Map<String, List<TopicPolicy.Grant>> grantsByClient = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<String, String> certificateByClient = new java.util.concurrent.ConcurrentHashMap<>();

        Extension(PrincipalDirectory principals, TopicPolicy policy, List<TopicRule> rules) {
            this.principals = principals;
            this.policy = policy;
            this.rules = rules;
        }

        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) this::authenticate);
            PublishInboundInterceptor interceptor = this::intercept;
            Services.initializerRegistry().setClientInitializer((in, client) -> client.addPublishInboundInterceptor(interceptor));
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            // Nothing to release: the rules' owners close their own resources.
        }

        private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
            Optional<X509Certificate> certificate = input.getConnectionInformation().getClientTlsInformation()
                    .flatMap(tls -> tls.getClientCertificate());
            String clientId = input.getClientInformation().getClientId();
            if (certificate.isEmpty()) {
                output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "a client certificate is required");
                return;
            }
            String certificateId = LocalCa.certificateId(certificate.get());
            Optional<Principal> principal = principals.activePrincipal(certificateId);
            if (principal.isEmpty()) {
                LOG.info("refused {}: certificate {} is not active", clientId, certificateId);
                output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "certificate is not active");
                return;
            }
            Principal p = principal.get();
            if (p.kind() == Principal.Kind.VEHICLE && !p.thingName().equals(clientId)) {
                LOG.info("refused {}: a vehicle must connect with its thing name {} as client id", clientId, p.thingName());
                output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "client id must be the thing name");
                return;
            }
            if (p.kind() == Principal.Kind.CLAIM && !clientId.startsWith(TopicPolicy.CLAIM_CLIENT_ID_PREFIX)) {
                LOG.info("refused {}: the claim certificate must connect with a client id starting with {}", clientId,
                        TopicPolicy.CLAIM_CLIENT_ID_PREFIX);
                output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "client id must start with " + TopicPolicy.CLAIM_CLIENT_ID_PREFIX);
                return;
            }
            var permissions = output.getDefaultPermissions();
            List<TopicPolicy.Grant> grants = policy.grants(p);
            grantsByClient.put(clientId, grants);
            certificateByClient.put(clientId, certificateId);
            for (TopicPolicy.Grant grant : grants) {
                permissions.add(Builders.topicPermission()
                        .topicFilter(grant.topicFilter())
                        .type(TopicPermission.PermissionType.ALLOW)
                        .activity(switch (grant.activity()) {
                            case PUBLISH -> TopicPermission.MqttActivity.PUBLISH;
                            case SUBSCRIBE -> TopicPermission.MqttActivity.SUBSCRIBE;
                            case ALL -> TopicPermission.MqttActivity.ALL;
                        })
                        .build());
            }
            permissions.setDefaultBehaviour(com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour.DENY);
            output.authenticateSuccessfully();
        }

        private boolean mayPublish(String clientId, String topic) {
            List<TopicPolicy.Grant> grants = grantsByClient.get(clientId);
            if (grants == null) {
                return false;
            }
            for (TopicPolicy.Grant grant : grants) {
                if (grant.activity() != TopicPolicy.Activity.SUBSCRIBE && TopicRule.matches(grant.topicFilter(), topic)) {
                    return true;
                }
            }
            return false;
        }

        private void intercept(PublishInboundInput input, PublishInboundOutput output) {
            PublishPacket packet = input.getPublishPacket();
            String topic = packet.getTopic();
            TopicRule rule = null;
            for (TopicRule r : rules) {
                if (r.matches(topic)) {
                    rule = r;
                    break;
                }
            }
            String clientId = input.getClientInformation().getClientId();
            if (!mayPublish(clientId, topic)) {
                // AWS IoT Core disconnects a client that publishes outside its policy; so do we.
                LOG.info("refused publish of {} on {}: outside its policy; disconnecting", clientId, topic);
                output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "topic not allowed by policy");
                Services.clientService().disconnectClient(clientId);
                return;
            }
            if (rule == null) {
                return;
            }
            byte[] payload = packet.getPayload().map(b -> {
                ByteBuffer copy = b.asReadOnlyBuffer();
                byte[] bytes = new byte[copy.remaining()];
                copy.get(bytes);
                return bytes;
            }).orElse(new byte[0]);
            InboundMessage message = new InboundMessage(clientId, certificateByClient.get(clientId), topic, payload,
                    packet.getQos().getQosNumber(), Instant.now());
            // Request topics (deliverToSubscribers=false) are not prevented from delivery: HiveMQ
            // disconnects MQTT 3 clients whose publish an interceptor prevents, and no principal
            // may subscribe to a request topic anyway (see TopicPolicy).
            Async<PublishInboundOutput> async = output.async(Duration.ofSeconds(30), TimeoutFallback.FAILURE,
                    AckReasonCode.UNSPECIFIED_ERROR, "rule " + rule.name() + " timed out");
            String ruleName = rule.name();
            try {
                rule.handler().handle(message).whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warn("rule {} failed on {}: {}", ruleName, topic, rootMessage(error));
                        output.preventPublishDelivery(AckReasonCode.UNSPECIFIED_ERROR, "rule " + ruleName + " failed");
                    }
                    async.resume();
                });
            } catch (RuntimeException e) {
                LOG.warn("rule {} failed on {}: {}", ruleName, topic, rootMessage(e));
                output.preventPublishDelivery(AckReasonCode.UNSPECIFIED_ERROR, "rule " + ruleName + " failed");
                async.resume();
            }
        }
    }
}
