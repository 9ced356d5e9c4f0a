package io.cms.provisioning.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.Json;
import io.cms.provisioning.claim.ClaimCredentials;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotConflictException;
import io.cms.provisioning.iot.IotNotFoundException;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The AWS IoT REST routes of the claim certificate's lifecycle on 127.0.0.1, served from an
 * {@link InMemoryIotRegistry}: CreateKeysAndCertificate, RegisterCertificateWithoutCA,
 * Describe/Update/DeleteCertificate, Attach/DetachPolicy and ListAttachedPolicies. Errors carry
 * IoT's types ({@code ResourceNotFoundException}, {@code ResourceAlreadyExistsException},
 * {@code CertificateStateException}) in {@code x-amzn-ErrorType}.
 */
public final class IotClaimHttpFake implements AutoCloseable {

    private final InMemoryIotRegistry iot;
    private final HttpServer server;

    public IotClaimHttpFake(InMemoryIotRegistry iot) throws IOException {
        this.iot = iot;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path = exchange.getRequestURI().getRawPath().substring(1).split("/");
        for (int i = 0; i < path.length; i++) {
            path[i] = URLDecoder.decode(path[i], StandardCharsets.UTF_8);
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode in = raw.length == 0 ? Json.object() : Json.parse(new String(raw, StandardCharsets.UTF_8));
        int status = 200;
        ObjectNode out = Json.object();
        try {
            String route = method + " " + path[0];
            switch (route) {
                case "POST keys-and-certificate" -> {
                    ClaimCredentials c = iot.createKeysAndCertificate();
                    if ("true".equals(query.get("setAsActive"))) {
                        iot.updateCertificateStatus(c.certificateId(), IotCertificateStatus.ACTIVE);
                    }
                    out.put("certificateArn", c.certificateArn());
                    out.put("certificateId", c.certificateId());
                    out.put("certificatePem", c.certificatePem());
                    out.putObject("keyPair").put("PublicKey", c.publicKey()).put("PrivateKey", c.privateKey());
                }
                case "POST certificate" -> {
                    IotCertificate c = iot.registerCertificate(Json.requiredText(in, "certificatePem"),
                            IotCertificateStatus.valueOf(in.path("status").asText("INACTIVE")));
                    out.put("certificateArn", c.arn());
                    out.put("certificateId", c.certificateId());
                }
                case "GET certificates" -> {
                    IotCertificate c = iot.describeCertificate(path[1])
                            .orElseThrow(() -> new IotNotFoundException("certificate " + path[1] + " does not exist"));
                    out.putObject("certificateDescription").put("certificateId", c.certificateId())
                            .put("certificateArn", c.arn()).put("status", c.status().name());
                }
                case "PUT certificates" -> iot.updateCertificateStatus(path[1],
                        IotCertificateStatus.valueOf(query.get("newStatus")));
                case "DELETE certificates" -> iot.deleteCertificate(path[1]);
                case "PUT target-policies" -> iot.attachPolicy(path[1], Json.requiredText(in, "target"));
                case "POST target-policies" -> iot.detachPolicy(path[1], Json.requiredText(in, "target"));
                case "POST attached-policies" -> iot.attachedPolicies(path[1]).forEach(p ->
                        out.withArray("policies").addObject().put("policyName", p).put("policyArn", "arn:aws:iot:policy/" + p));
                default -> {
                    status = 404;
                    out.put("message", "no route " + route);
                }
            }
        } catch (IotNotFoundException e) {
            status = 404;
            error(exchange, out, "ResourceNotFoundException", e.getMessage());
        } catch (IotConflictException e) {
            status = 409;
            error(exchange, out, e.getMessage().contains("already registered") ? "ResourceAlreadyExistsException"
                    : "CertificateStateException", e.getMessage());
        }
        byte[] body = Json.write(out).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static void error(HttpExchange exchange, ObjectNode out, String type, String message) {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        out.removeAll();
        out.put("message", message);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
