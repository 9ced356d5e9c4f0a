package io.cms.connectstore.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.connectstore.alarm.AlertsPublisher;
import io.cms.connectstore.alarm.AwsConfigSources;
import io.cms.connectstore.alarm.ClientConfig;
import io.cms.connectstore.alarm.ClientCredentialsTokens;
import io.cms.connectstore.alarm.ConfigSource;
import io.cms.connectstore.alarm.VehicleAlarm;
import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.TtlCache;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * IoT rule {@code SELECT vin, message, topic(3) AS topic_vin FROM 'cms/notification/+'} → this
 * Lambda: publishes the vehicle's alarm to the Alerts API. An alarm whose {@code vin} is not the
 * topic's (a vehicle raising alarms for another) is refused like any bad event: it fails with a
 * clear message and nothing is published. Delivery failures throw so the asynchronous
 * invocation's DLQ keeps the event.
 *
 * <p>Environment: {@code IDENTITY_PROVIDER_ID}, {@code ALERTS_PUBLISH_ENDPOINT_URL_PARAMETER}
 * (SSM name of the publish API URL), optional {@code CONFIG_TTL_SECONDS} (default 300).
 */
public final class VehicleAlarmHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(VehicleAlarmHandler.class);

    private final AlertsPublisher publisher;

    /** Wiring for the Lambda runtime: SDK clients and caches built once per container. */
    public VehicleAlarmHandler() {
        this(EnvConfig.fromSystem(), AwsConfigSources.ssm(AwsClients.build(SsmClient.builder())),
                AwsConfigSources.secrets(AwsClients.build(SecretsManagerClient.builder())),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /** Wiring with explicit parts (tests, CMS Local). */
    public VehicleAlarmHandler(EnvConfig env, ConfigSource parameters, ConfigSource secrets, HttpClient http, Clock clock,
            AlertsPublisher.Sleeper sleeper) {
        String idp = env.required("IDENTITY_PROVIDER_ID");
        String endpointParameter = env.required("ALERTS_PUBLISH_ENDPOINT_URL_PARAMETER");
        String secretName = "/solution/auth/" + idp + "/client-config/default";
        Duration ttl = env.seconds("CONFIG_TTL_SECONDS", Duration.ofMinutes(5));
        TtlCache<String, Object> config = new TtlCache<>(ttl, clock, 8);
        ClientCredentialsTokens tokens = new ClientCredentialsTokens(
                () -> (ClientConfig) config.get(secretName, n -> ClientConfig.parse(secrets.get(n), n)),
                http, Duration.ofSeconds(10), ClientCredentialsTokens.DEFAULT_MARGIN, clock);
        this.publisher = new AlertsPublisher(
                () -> (URI) config.get(endpointParameter, n -> AlertsPublisher.endpointUri(parameters.get(n), n)),
                () -> config.invalidate(endpointParameter), tokens, http,
                new AlertsPublisher.Retry(4, Duration.ofMillis(200), Duration.ofSeconds(30)), sleeper);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        VehicleAlarm alarm = VehicleAlarm.parseRuleEvent(Json.parse(input));
        // Lambda retries an asynchronous event (the IoT rule's) under the same request id.
        String key = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId()
                : java.util.UUID.randomUUID().toString();
        String id = publisher.publish(alarm, key);
        LOG.info("alarm for {} published as {}", alarm.vin(), id);
        output.write(Json.write(Json.object().put("status", "SUCCESS").put("messageId", id)).getBytes(StandardCharsets.UTF_8));
    }
}
