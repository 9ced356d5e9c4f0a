package io.cms.connectstore.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.TtlCache;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * OAuth 2.0 client-credentials access tokens, cached until shortly before they expire (the original
 * cached its token for the life of the container, so calls failed once it expired).
 */
public final class ClientCredentialsTokens {

    /** Refresh this long before the token's {@code expires_in} runs out. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(60);
    /** Used when the token endpoint does not say {@code expires_in}. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private static final String KEY = "token";

    private final Supplier<ClientConfig> config;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration margin;
    private final TtlCache<String, String> cache;

    /**
     * @param config the client (read lazily, so a secret rotation is picked up after a refresh)
     * @param http the HTTP client
     * @param timeout per request
     * @param margin how long before expiry a token is refreshed
     * @param clock time source of the cache
     */
    public ClientCredentialsTokens(Supplier<ClientConfig> config, HttpClient http, Duration timeout, Duration margin, Clock clock) {
        this.config = config;
        this.http = http;
        this.timeout = timeout;
        this.margin = margin;
        this.cache = new TtlCache<>(DEFAULT_LIFETIME, clock, 4);
    }

    /** A valid access token: the cached one, or a new one. */
    public String token() {
        String cached = cache.getIfPresent(KEY);
        if (cached != null) {
            return cached;
        }
        return fetch();
    }

    /** Forgets the cached token (after the API answered 401). */
    public void invalidate() {
        cache.invalidate(KEY);
    }

    private String fetch() {
        ClientConfig c = config.get();
        StringBuilder form = new StringBuilder("grant_type=client_credentials")
                .append("&client_id=").append(encode(c.clientId()))
                .append("&client_secret=").append(encode(c.clientSecret()));
        if (c.audience() != null) {
            form.append("&audience=").append(encode(c.audience()));
        }
        HttpRequest request = HttpRequest.newBuilder(c.tokenEndpoint())
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientException("token endpoint " + c.tokenEndpoint().getHost() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AlarmDeliveryException("interrupted while fetching a token", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new TransientException("token endpoint answered " + status, null);
        }
        if (status != 200) {
            // The body may echo request details; only the status and OAuth error code are logged.
            throw new AlarmDeliveryException("token endpoint refused the client: HTTP " + status + errorCode(response.body()));
        }
        JsonNode body;
        try {
            body = Json.parse(response.body());
        } catch (RuntimeException e) {
            throw new AlarmDeliveryException("token endpoint answered 200 without JSON");
        }
        String token = body.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new AlarmDeliveryException("token endpoint answered 200 without access_token");
        }
        Duration lifetime = body.hasNonNull("expires_in") ? Duration.ofSeconds(body.get("expires_in").asLong()) : DEFAULT_LIFETIME;
        Duration keep = lifetime.minus(margin);
        if (keep.compareTo(Duration.ofSeconds(1)) > 0) {
            cache.put(KEY, token, keep);
        }
        return token;
    }

    private static String errorCode(String body) {
        try {
            String code = Json.parse(body).path("error").asText("");
            return code.isEmpty() ? "" : " (" + code.replaceAll("[^A-Za-z0-9_.-]", "") + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A failure worth retrying (5xx, 429, network, timeout). */
    static final class TransientException extends RuntimeException {
        TransientException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
