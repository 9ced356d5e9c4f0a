package io.cms.connectstore.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback OAuth token endpoint ({@code POST /oauth2/token}, client credentials, form-encoded)
 * and the Alerts publish GraphQL endpoint ({@code POST /graphql}) that accepts only tokens the token
 * endpoint issued and has not revoked. Tests can queue status codes or delays for the GraphQL side.
 */
public final class FakeAuthAndAlerts implements AutoCloseable {

    public static final String CLIENT_ID = "cms-service-client";
    public static final String CLIENT_SECRET = "s3cr3t-value";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Set<String> validTokens = Collections.synchronizedSet(new HashSet<>());
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger published = new AtomicInteger();
    /** Form bodies the token endpoint received. */
    public final List<Map<String, String>> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    /** Bodies and Authorization headers the GraphQL endpoint received. */
    public final List<JsonNode> graphqlRequests = Collections.synchronizedList(new ArrayList<>());
    public final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    /** Status codes the GraphQL endpoint answers next (then 200). */
    public final ConcurrentLinkedQueue<Integer> graphqlStatuses = new ConcurrentLinkedQueue<>();
    /** Status codes the token endpoint answers next (then 200). */
    public final ConcurrentLinkedQueue<Integer> tokenStatuses = new ConcurrentLinkedQueue<>();
    /** Delays (ms) before the GraphQL endpoint answers the next requests. */
    public final ConcurrentLinkedQueue<Long> graphqlDelays = new ConcurrentLinkedQueue<>();
    public volatile long expiresInSeconds = 3600;
    public volatile String graphqlBodyOverride;

    public FakeAuthAndAlerts() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth2/token", this::token);
        server.createContext("/graphql", this::graphql);
        // Several handler threads, so a slow (timed-out) answer does not hold up the retry.
        server.setExecutor(executor);
        server.start();
    }

    public URI tokenEndpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token");
    }

    public URI graphqlEndpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/graphql");
    }

    /** Makes every issued token invalid (as after a key rotation). */
    public void revokeAll() {
        validTokens.clear();
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        tokenRequests.add(form);
        Integer forced = tokenStatuses.poll();
        if (forced != null) {
            send(ex, forced, "{\"error\":\"server_error\"}");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod()) || !"client_credentials".equals(form.get("grant_type"))
                || !ex.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")) {
            send(ex, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            send(ex, 401, "{\"error\":\"invalid_client\",\"error_description\":\"bad secret " + form.get("client_secret") + "\"}");
            return;
        }
        String token = "token-" + issued.incrementAndGet();
        validTokens.add(token);
        send(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresInSeconds + "}");
    }

    private void graphql(HttpExchange ex) throws IOException {
        JsonNode body = Json.parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        graphqlRequests.add(body);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth);
        Long delay = graphqlDelays.poll();
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Integer forced = graphqlStatuses.poll();
        if (forced != null) {
            send(ex, forced, "{\"errors\":[{\"message\":\"forced " + forced + "\"}]}");
            return;
        }
        if (auth == null || !auth.startsWith("Bearer ") || !validTokens.contains(auth.substring(7))) {
            send(ex, 401, "{\"errors\":[{\"message\":\"Unauthorized\"}]}");
            return;
        }
        if (graphqlBodyOverride != null) {
            send(ex, 200, graphqlBodyOverride);
            return;
        }
        send(ex, 200, "{\"data\":{\"publish\":{\"status\":\"SUCCESS\",\"message\":\"msg-" + published.incrementAndGet() + "\"}}}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
