package io.cms.local.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.alerts.Alert;
import io.cms.alerts.AlertIntake;
import io.cms.alerts.AlertPublisher;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.PublishScopes;
import io.cms.alerts.NotificationQueries;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.NotificationStore;
import io.cms.alerts.QueuedMessage;
import io.cms.alerts.SubscriptionStore;
import io.cms.alerts.UserSubscriptions;
import io.cms.alerts.handler.FrontendHandler;
import io.cms.alerts.handler.PublishHandler;
import io.cms.alerts.local.LocalOutbox;
import io.cms.connectstore.alarm.VehicleAlarm;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.TopicRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Alerts module in CMS Local: the same publish, create-alerts, send-notifications,
 * subscription and notification code as the Lambdas, with the SNS topic and queue replaced by a
 * direct hand-over (publish → record once → send) and SNS email by the {@link LocalOutbox}.
 * Vehicle alarms on {@code cms/notification/{vin}} are published as {@code VEHICLE_ALARM}, as the
 * vehicle-alarm Lambda does in AWS.
 */
public final class LocalAlerts implements AlertIntake {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAlerts.class);
    /** The alarm type of alarms vehicles raise over MQTT. */
    public static final String VEHICLE_ALARM = "VEHICLE_ALARM";

    private final AlertsConfig config;
    private final LocalOutbox outbox;
    private final AlertRecorder recorder;
    private final NotificationSender sender;
    private final AlertPublisher publisher;
    private final PublishHandler publishApi;
    private final FrontendHandler frontendApi;
    private final Clock clock;

    public LocalAlerts(DynamoDbClient dynamo, String notificationsTable, String subscriptionsTable, Path outboxDir,
                       AlertsConfig config, PublishScopes publishScopes, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.outbox = new LocalOutbox(outboxDir, clock);
        NotificationStore notifications = new NotificationStore(dynamo, notificationsTable);
        SubscriptionStore subscriptions = new SubscriptionStore(dynamo, subscriptionsTable);
        this.recorder = new AlertRecorder(config, notifications, clock);
        this.sender = new NotificationSender(outbox);
        this.publisher = new AlertPublisher(config, this);
        this.publishApi = new PublishHandler(publishScopes, publisher);
        this.frontendApi = new FrontendHandler(new UserSubscriptions(config, subscriptions, outbox),
                new NotificationQueries(config, notifications, subscriptions), config);
    }

    /** Records the alert once and sends its notification, as SNS → SQS → create-alerts → stream → send-notifications do. */
    @Override
    public String submit(Alert alert) {
        QueuedMessage message = new QueuedMessage(UUID.randomUUID().toString(), alert.toJson(), clock.instant());
        recorder.recordIfNew(message).ifPresent(sender::send);
        return message.messageId();
    }

    /** The broker rule for {@code cms/notification/{vin}}. */
    public TopicRule vehicleAlarmRule() {
        return new TopicRule("vehicle-alarm", "cms/notification/+", this::onVehicleAlarm, true);
    }

    private CompletionStage<Void> onVehicleAlarm(InboundMessage m) {
        try {
            JsonNode event = Json.parse(new String(m.payload(), StandardCharsets.UTF_8));
            VehicleAlarm alarm = VehicleAlarm.parse(event).requireTopicVin(m.topic().substring(m.topic().lastIndexOf('/') + 1));
            publisher.publish(alarm.vin(), VEHICLE_ALARM, alarm.message());
        } catch (BadInputException e) {
            // As the IoT rule's Lambda would: a malformed alarm is refused with its reason, not retried.
            LOG.warn("vehicle alarm on {} refused: {}", m.topic(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("vehicle alarm on {} could not be published: {}", m.topic(), e.getMessage(), e);
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The publish API's resolvers. */
    public PublishHandler publishApi() {
        return publishApi;
    }

    /** The frontend API's resolvers. */
    public FrontendHandler frontendApi() {
        return frontendApi;
    }

    public LocalOutbox outbox() {
        return outbox;
    }

    public AlertsConfig config() {
        return config;
    }
}
