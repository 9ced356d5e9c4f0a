package io.cms.connectstore.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.SecureEndpoints;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a vehicle alarm to the Alerts module's GraphQL {@code publish} mutation with a
 * client-credentials token. Retries 5xx, 429, network errors and timeouts with exponential backoff;
 * on 401 refreshes the token once; any other failure, or running out of attempts, throws
 * {@link AlarmDeliveryException}.
 */
public final class AlertsPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsPublisher.class);

    /**
     * The original's mutation plus the Alerts API's optional {@code idempotencyKey}: every attempt
     * of one alarm carries the same key, so a retry after a lost answer records and emails it once.
     */
    static final String MUTATION = "mutation PublishMutation($vin: String!, $alarmType: AlarmType!, $message: String!, "
            + "$idempotencyKey: String) { publish(vin: $vin, alarmType: $alarmType, message: $message, "
            + "idempotencyKey: $idempotencyKey) { status message } }";
    /** What the Alerts API accepts as an idempotency key. */
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** How often and how patiently to try. */
    public record Retry(int attempts, Duration firstBackoff, Duration timeout) {
        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }
    }

    /** Sleeps between attempts (replaceable in tests). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Supplier<URI> endpoint;
    private final Runnable forgetEndpoint;
    private final ClientCredentialsTokens tokens;
    private final HttpClient http;
    private final Retry retry;
    private final Sleeper sleeper;

    /**
     * @param endpoint the publish API URL (read from SSM, cached by the caller)
     * @param forgetEndpoint drops the cached endpoint after a final failure, so the next call re-reads it
     * @param tokens the access tokens
     * @param http the HTTP client
     * @param retry attempts, backoff, per-request timeout
     * @param sleeper waits between attempts
     */
    public AlertsPublisher(Supplier<URI> endpoint, Runnable forgetEndpoint, ClientCredentialsTokens tokens, HttpClient http,
            Retry retry, Sleeper sleeper) {
        this.endpoint = endpoint;
        this.forgetEndpoint = forgetEndpoint;
        this.tokens = tokens;
        this.http = http;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    /**
     * Publishes the alarm.
     *
     * @param idempotencyKey the same for every delivery of this alarm (1–128 of {@code A-Za-z0-9._:-};
     *     the Lambda uses its request id, which Lambda's own retries of an event keep)
     * @return the published message id the Alerts API returned
     * @throws AlarmDeliveryException when it could not be delivered
     * @throws IllegalArgumentException when the key is not one the Alerts API accepts
     */
    public String publish(VehicleAlarm alarm, String idempotencyKey) {
        if (idempotencyKey == null || !KEY.matcher(idempotencyKey).matches()) {
            throw new IllegalArgumentException("idempotency key must be 1-128 characters of A-Za-z0-9._:-");
        }
        ObjectNode body = Json.object();
        body.put("query", MUTATION);
        ObjectNode vars = body.putObject("variables");
        vars.put("vin", alarm.vin());
        vars.put("alarmType", "VEHICLE_ALARM");
        vars.put("message", alarm.message());
        vars.put("idempotencyKey", idempotencyKey);
        String json = Json.write(body);
        boolean refreshed = false;
        Duration backoff = retry.firstBackoff();
        String lastProblem = null;
        try {
            for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
                if (attempt > 1) {
                    sleeper.sleep(backoff);
                    backoff = backoff.multipliedBy(2);
                }
                String token;
                try {
                    token = tokens.token();
                } catch (ClientCredentialsTokens.TransientException e) {
                    lastProblem = e.getMessage();
                    LOG.warn("alarm for {}: attempt {} failed: {}", alarm.vin(), attempt, lastProblem);
                    continue;
                }
                HttpResponse<String> response;
                try {
                    response = http.send(HttpRequest.newBuilder(endpoint.get())
                            .timeout(retry.timeout())
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    lastProblem = "alerts API unreachable: " + e;
                    LOG.warn("alarm for {}: attempt {} failed: {}", alarm.vin(), attempt, lastProblem);
                    continue;
                }
                int status = response.statusCode();
                if (status == 401 && !refreshed) {
                    refreshed = true;
                    tokens.invalidate();
                    attempt--;
                    lastProblem = "alerts API answered 401";
                    continue;
                }
                if (status >= 500 || status == 429) {
                    lastProblem = "alerts API answered " + status;
                    LOG.warn("alarm for {}: attempt {} failed: {}", alarm.vin(), attempt, lastProblem);
                    continue;
                }
                if (status != 200) {
                    throw fail("alerts API refused the alarm: HTTP " + status);
                }
                return messageId(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted while publishing the alarm");
        }
        throw fail("alarm for " + alarm.vin() + " not delivered after " + retry.attempts() + " attempts: " + lastProblem);
    }

    private String messageId(String body) {
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (RuntimeException e) {
            throw fail("alerts API answered 200 without JSON");
        }
        JsonNode errors = node.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            throw fail("alerts API refused the alarm: " + errors.get(0).path("message").asText("GraphQL error"));
        }
        JsonNode publish = node.path("data").path("publish");
        if (!"SUCCESS".equals(publish.path("status").asText())) {
            throw fail("alerts API did not confirm the alarm: " + publish);
        }
        return publish.path("message").asText(null);
    }

    private AlarmDeliveryException fail(String message) {
        forgetEndpoint.run();
        return new AlarmDeliveryException(message);
    }

    /**
     * Resolves and validates an endpoint URL read from configuration: the bearer token is sent
     * there, so https, or http only on loopback (CMS Local).
     *
     * @throws ConfigurationException if the value is not a URL or not https / loopback http
     */
    public static URI endpointUri(String value, String parameterName) {
        return SecureEndpoints.require(value.trim(), "SSM parameter " + parameterName);
    }
}
