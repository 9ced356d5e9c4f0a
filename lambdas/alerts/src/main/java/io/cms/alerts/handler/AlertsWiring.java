package io.cms.alerts.handler;

import io.cms.alerts.AlertPublisher;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationQueries;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.NotificationStore;
import io.cms.alerts.PublishScopes;
import io.cms.alerts.SubscriptionStore;
import io.cms.alerts.UserSubscriptions;
import io.cms.alerts.sns.SnsAlertIntake;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.EnvConfig;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Builds the production objects of each handler from its environment. Each handler asks only for
 * what it uses, so each function needs only its own variables ({@code PUBLISH_SCOPES} is read, and
 * required, only by the publish function):
 * <ul>
 *   <li>publish: {@code ALERTS_SNS_TOPIC_ARN}, {@code ALARM_TYPES}, {@code MAX_MESSAGE_LENGTH},
 *       {@code PUBLISH_SCOPES}</li>
 *   <li>create-alerts: {@code NOTIFICATIONS_TABLE_NAME}, {@code SNS_TOPIC_PREFIX}, {@code ALARM_TYPES},
 *       {@code NOTIFICATION_RETENTION_DAYS}</li>
 *   <li>send-notifications: {@code SNS_TOPIC_KMS_KEY_ID}, {@code DEPLOYMENT_UUID}</li>
 *   <li>user-subscriptions: {@code USER_EMAIL_SUBSCRIPTIONS_TABLE}, {@code NOTIFICATIONS_TABLE_NAME},
 *       {@code SNS_TOPIC_PREFIX}, {@code SNS_TOPIC_KMS_KEY_ID}, {@code DEPLOYMENT_UUID},
 *       {@code ALARM_TYPES}, {@code ADMIN_SCOPES}, {@code MAX_SUBSCRIPTIONS_PER_EMAIL}</li>
 * </ul>
 */
final class AlertsWiring {

    private final EnvConfig env;
    private final AlertsConfig config;

    AlertsWiring(EnvConfig env) {
        this.env = env;
        this.config = AlertsConfig.from(env);
    }

    static AlertsWiring fromSystem() {
        return new AlertsWiring(EnvConfig.fromSystem());
    }

    AlertsConfig config() {
        return config;
    }

    /** Who may publish: {@code PUBLISH_SCOPES}, required by the publish function only. */
    PublishScopes publishScopes() {
        return PublishScopes.from(env);
    }

    AlertPublisher publisher() {
        return new AlertPublisher(config, new SnsAlertIntake(sns(), env.required("ALERTS_SNS_TOPIC_ARN")));
    }

    AlertRecorder recorder() {
        return new AlertRecorder(config, notificationStore(), Clock.systemUTC());
    }

    NotificationSender sender() {
        return new NotificationSender(topics());
    }

    UserSubscriptions subscriptions() {
        return new UserSubscriptions(config, subscriptionStore(), topics());
    }

    NotificationQueries queries() {
        return new NotificationQueries(config, notificationStore(), subscriptionStore());
    }

    private SnsTopicDirectory topics() {
        return new SnsTopicDirectory(sns(), SnsTopicDirectory.TopicSettings.forKeyArn(
                env.required("SNS_TOPIC_KMS_KEY_ID"), env.optional("DEPLOYMENT_UUID", null)));
    }

    private NotificationStore notificationStore() {
        return new NotificationStore(Clients.DYNAMO, env.required("NOTIFICATIONS_TABLE_NAME"));
    }

    private SubscriptionStore subscriptionStore() {
        return new SubscriptionStore(Clients.DYNAMO, env.required("USER_EMAIL_SUBSCRIPTIONS_TABLE"));
    }

    private static SnsClient sns() {
        return SnsHolder.SNS;
    }

    /** Clients built on first use, once per container. */
    private static final class Clients {
        static final DynamoDbClient DYNAMO = AwsClients.build(DynamoDbClient.builder());
    }

    private static final class SnsHolder {
        static final SnsClient SNS = AwsClients.build(SnsClient.builder());
    }
}
