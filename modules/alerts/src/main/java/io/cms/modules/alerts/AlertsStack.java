package io.cms.modules.alerts;

import io.cms.alerts.NotificationStore;
import io.cms.alerts.SubscriptionStore;
import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.appsync.LoggedGraphqlApi;
import io.cms.constructs.auth.AppSyncAuthorizer;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.constructs.lambda.LambdaAssets;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.DeadLetterQueues;
import io.cms.constructs.secure.KmsKeys;
import io.cms.constructs.secure.SecureTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.appsync.AuthorizationConfig;
import software.amazon.awscdk.services.appsync.Definition;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.appsync.SchemaFile;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.SqsSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The Alerts module: the publish API ({@code Mutation.publish}) feeding the intake topic, the
 * intake queue with its dead-letter queue and create-alerts, the Notifications table whose stream
 * drives send-notifications to the per-VIN-and-type topics {@code {prefix}-{alarmType}-{vin}}, and
 * the frontend API (subscriptions and notifications). Both APIs sit behind the shared Lambda
 * authorizer. Business rules live in {@code lambdas/alerts}; this stack wires and grants.
 */
public class AlertsStack extends CmsModuleStack {

    private static final String LAMBDA_MODULE = "alerts";
    private static final String SCHEMAS = "lambdas/alerts/src/main/resources/io/cms/alerts/graphql/";

    private final AlertsSettings settings;
    private final Key intakeKey;
    private final Key topicsKey;
    private final Key tablesKey;
    private final Topic intakeTopic;
    private final Queue intakeQueue;
    private final Queue intakeDeadLetterQueue;
    private final Queue streamFailures;
    private final SecureTable notifications;
    private final SecureTable subscriptions;
    private final JavaFunction publish;
    private final JavaFunction createAlerts;
    private final JavaFunction sendNotifications;
    private final JavaFunction userSubscriptions;
    private final AppSyncAuthorizer authorizer;
    private final GraphqlApi publishApi;
    private final GraphqlApi frontendApi;

    public AlertsStack(Construct scope, CmsContext context) {
        this(scope, context, AlertsSettings.from(context));
    }

    public AlertsStack(Construct scope, CmsContext context, AlertsSettings settings) {
        super(scope, CmsModule.ALERTS, context);
        this.settings = settings;
        String prefix = settings.config().topicPrefix();
        String intakeTopicName = naming().resourceName("intake");
        if (intakeTopicName.startsWith(prefix + "-")) {
            // Otherwise the per-VIN topic grants ({prefix}-*) would also cover the intake topic.
            throw new IllegalArgumentException("Parameter snsTopicPrefix '" + prefix + "' must not be a prefix of the"
                    + " intake topic name '" + intakeTopicName + "'; choose another prefix");
        }

        // The intake pieces live in one scope that always limits SNS's use of the intake key to the
        // intake topic (aws:SourceArn), with or without cdk.json's feature flags.
        Construct intake = new Construct(this, "Intake");
        intake.getNode().setContext("@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption", true);
        this.intakeKey = KmsKeys.create(intake, "Key", "Encrypts the Alerts queues");
        // The topics key encrypts every Alerts topic; a separate key for the queues avoids a cycle
        // between the intake topic and a key policy that names it.
        this.topicsKey = KmsKeys.create(this, "TopicsKey", "Encrypts the Alerts topics (intake and " + prefix + "-*)");
        this.tablesKey = KmsKeys.create(this, "TablesKey", "Encrypts the Alerts tables");

        // Intake: publish -> topic -> queue (DLQ after MAX_RECEIVE_COUNT receives) -> create-alerts.
        this.intakeTopic = Topic.Builder.create(intake, "Topic")
                .topicName(intakeTopicName)
                .displayName(naming().resourceName("topic"))
                .masterKey(topicsKey)
                .enforceSsl(true)
                .build();
        this.intakeDeadLetterQueue = DeadLetterQueues.create(intake, "Dlq", intakeKey,
                "This is the dead-letter queue of the Alerts intake queue; a DLQ of a DLQ would hide failures");
        this.intakeQueue = Queue.Builder.create(intake, "Queue")
                .encryption(QueueEncryption.KMS)
                .encryptionMasterKey(intakeKey)
                .enforceSsl(true)
                // Six times the function timeout, as Lambda recommends for SQS event sources.
                .visibilityTimeout(Duration.seconds(180))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(intakeDeadLetterQueue)
                        .maxReceiveCount(AlertsSettings.MAX_RECEIVE_COUNT)
                        .build())
                .build();
        intakeTopic.addSubscription(SqsSubscription.Builder.create(intakeQueue).rawMessageDelivery(false).build());

        // Tables: Notifications (stream of new images, TTL, per-VIN index) and UserEmailSubscriptions.
        this.notifications = new SecureTable(this, "Notifications", null, NotificationStore.TOPIC,
                NotificationStore.TIMESTAMP, tablesKey, StreamViewType.NEW_IMAGE, NotificationStore.TTL);
        notifications.table().addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName(NotificationStore.VIN_INDEX)
                .partitionKey(Attribute.builder().name(NotificationStore.VIN).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(NotificationStore.TIMESTAMP).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        this.subscriptions = new SecureTable(this, "UserEmailSubscriptions", null, SubscriptionStore.EMAIL,
                SubscriptionStore.TOPIC_KEY, tablesKey, null, null);

        String deploymentUuid = resolveSsm(naming().ssmPathOf(CmsModule.CONFIG, "deployment-uuid"));
        Map<String, String> config = new LinkedHashMap<>();
        settings.environment().forEach((k, v) -> {
            if (!v.isBlank()) {
                config.put(k, v);
            }
        });

        this.publish = function("Publish", "publish", "io.cms.alerts.handler.PublishHandler",
                "Alerts publish API: validates an alert and publishes it to the intake topic",
                Duration.seconds(30), with(with(config, settings.publishEnvironment()),
                        Map.of("ALERTS_SNS_TOPIC_ARN", intakeTopic.getTopicArn())));
        this.createAlerts = function("CreateAlerts", "create-alerts", "io.cms.alerts.handler.CreateAlertsHandler",
                "Records each queued alert once in the Notifications table",
                Duration.seconds(30), with(config, Map.of("NOTIFICATIONS_TABLE_NAME", notifications.table().getTableName())));
        this.sendNotifications = function("SendNotifications", "send-notifications",
                "io.cms.alerts.handler.SendNotificationsHandler",
                "Sends each new notification to its per-VIN-and-type topic",
                Duration.seconds(60), with(config, Map.of(
                        "SNS_TOPIC_KMS_KEY_ID", topicsKey.getKeyArn(),
                        "DEPLOYMENT_UUID", deploymentUuid)));
        this.userSubscriptions = function("UserSubscriptions", "user-subscriptions",
                "io.cms.alerts.handler.FrontendHandler",
                "Alerts frontend API: the caller's email subscriptions and a VIN's notifications",
                Duration.seconds(60), with(with(config, settings.subscriptionsEnvironment()), Map.of(
                        "USER_EMAIL_SUBSCRIPTIONS_TABLE", subscriptions.table().getTableName(),
                        "NOTIFICATIONS_TABLE_NAME", notifications.table().getTableName(),
                        "SNS_TOPIC_KMS_KEY_ID", topicsKey.getKeyArn(),
                        "DEPLOYMENT_UUID", deploymentUuid)));

        // publish: only the intake topic.
        publish.addToRolePolicy(statement(List.of("sns:Publish"), intakeTopic.getTopicArn()));
        publish.addToRolePolicy(statement(List.of("kms:GenerateDataKey", "kms:Decrypt"), topicsKey.getKeyArn()));

        // create-alerts: consume the queue (partial batch responses), insert notifications once.
        createAlerts.alias().addEventSource(SqsEventSource.Builder.create(intakeQueue)
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
        createAlerts.addToRolePolicy(statement(List.of("dynamodb:PutItem"), notifications.table().getTableArn()));
        createAlerts.addToRolePolicy(statement(List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                "kms:DescribeKey"), tablesKey.getKeyArn()));

        // send-notifications: new images from the stream; a record that keeps failing goes to the failure queue.
        // The handler skips records that can never be sent and reports the first transient failure;
        // bisecting a failed batch (a timeout, or a record that keeps failing) retries the halves
        // apart, so only the failing record, not the rest of its batch, ends in the failure queue.
        this.streamFailures = DeadLetterQueues.create(this, "SendNotificationsFailures", intakeKey,
                "This queue is the on-failure destination of the Notifications stream mapping; a DLQ of it would"
                        + " hide failures");
        sendNotifications.alias().addEventSource(DynamoEventSource.Builder.create(notifications.table())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(10)
                .retryAttempts(3)
                .bisectBatchOnError(true)
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(streamFailures))
                .build());
        Nag.suppress(sendNotifications.role(), "AwsSolutions-IAM5",
                "CDK's SQS send grant for the KMS-encrypted failure queue names the kms:GenerateDataKey* and"
                        + " kms:ReEncrypt* families; they are limited to the intake key",
                "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*");
        // SetTopicAttributes: a topic of an earlier release gets the TLS-only policy (SnsTopicDirectory).
        sendNotifications.addToRolePolicy(statement(List.of("sns:CreateTopic", "sns:TagResource",
                "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:Publish"), vinTopicsArn()));
        sendNotifications.addToRolePolicy(statement(List.of("kms:GenerateDataKey", "kms:Decrypt"),
                topicsKey.getKeyArn()));

        // user-subscriptions: the caller's subscription rows, a VIN's notifications, the per-VIN topics.
        userSubscriptions.addToRolePolicy(statement(List.of("dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:DeleteItem"), subscriptions.table().getTableArn()));
        userSubscriptions.addToRolePolicy(statement(List.of("dynamodb:Query", "dynamodb:GetItem",
                "dynamodb:UpdateItem"), notifications.table().getTableArn()));
        userSubscriptions.addToRolePolicy(statement(List.of("dynamodb:Query"),
                notifications.table().getTableArn() + "/index/" + NotificationStore.VIN_INDEX));
        userSubscriptions.addToRolePolicy(statement(List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                "kms:DescribeKey"), tablesKey.getKeyArn()));
        userSubscriptions.addToRolePolicy(statement(List.of("sns:CreateTopic", "sns:TagResource",
                "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes"),
                vinTopicsArn()));
        String topicsFinding = "/^Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:"
                + prefix.replaceAll("[^A-Za-z0-9]", "\\\\$0") + "-\\*$/";
        for (JavaFunction f : List.of(sendNotifications, userSubscriptions)) {
            Nag.suppress(f.role(), "AwsSolutions-IAM5",
                    "Per-VIN-and-type topics are created at run time as {prefix}-{alarmType}-{vin}; the grant is"
                            + " limited to that prefix", topicsFinding);
        }

        // The APIs: logs at ERROR level to log groups with retention, X-Ray, the shared Lambda authorizer.
        this.authorizer = new AppSyncAuthorizer(this, "Authorizer");
        AuthorizationConfig authorization = authorizer.authorizationConfig();
        this.publishApi = api("PublishApi", "publish-api", Definition.fromSchema(publishSchema()), authorization);
        this.frontendApi = api("FrontendApi", "frontend-api",
                Definition.fromFile(schemaPath("frontend-api.graphql").toString()), authorization);
        // Only these two APIs may call the authorizer.
        authorizer.restrictInvokeTo(publishApi);
        authorizer.restrictInvokeTo(frontendApi);
        resolvers(publishApi, "Publish", publish, Map.of("Mutation", List.of("publish")));
        resolvers(frontendApi, "UserSubscriptions", userSubscriptions, Map.of(
                "Query", List.of("getUserSubscriptions", "listNotifications"),
                "Mutation", List.of("updateUserSubscriptions", "markNotificationRead")));

        SsmOutputs outputs = new SsmOutputs(this, "Outputs", naming());
        outputs.publish("publish-api/endpoint", publishApi.getGraphqlUrl(), "GraphQL endpoint of the Alerts publish API");
        outputs.publish("frontend-api/endpoint", frontendApi.getGraphqlUrl(),
                "GraphQL endpoint of the Alerts frontend (subscriptions and notifications) API");
    }

    private GraphqlApi api(String id, String name, Definition definition, AuthorizationConfig authorization) {
        return LoggedGraphqlApi.create(this, id, naming().resourceName(name), definition, authorization);
    }

    private void resolvers(GraphqlApi api, String id, JavaFunction function, Map<String, List<String>> fields) {
        LoggedGraphqlApi.lambdaResolvers(api, id + "Source", function, fields);
    }

    private SchemaFile publishSchema() {
        SchemaFile schema = SchemaFile.fromAsset(schemaPath("publish-api.graphql").toString());
        schema.setDefinition(settings.renderPublishSchema(schema.getDefinition()));
        return schema;
    }

    private static Path schemaPath(String file) {
        Path path = LambdaAssets.repositoryRoot().resolve(SCHEMAS + file);
        if (!Files.isRegularFile(path)) {
            throw new UncheckedIOException(new IOException("GraphQL schema " + path + " is missing"));
        }
        return path;
    }

    private String vinTopicsArn() {
        return formatArn(ArnComponents.builder().service("sns").resource(settings.config().topicPrefix() + "-*")
                .arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }

    private JavaFunction function(String id, String name, String handler, String description, Duration timeout,
                                  Map<String, String> env) {
        return new JavaFunction(this, id, JavaFunctionProps.builder()
                .name(name)
                .lambdaModule(LAMBDA_MODULE)
                .handler(handler)
                .description(description)
                .timeout(timeout)
                .environment(env)
                .build());
    }

    private static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.putAll(extra);
        return env;
    }

    private static PolicyStatement statement(List<String> actions, String resource) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build();
    }

    public AlertsSettings settings() {
        return settings;
    }

    public Topic intakeTopic() {
        return intakeTopic;
    }

    public Queue intakeQueue() {
        return intakeQueue;
    }

    public Queue intakeDeadLetterQueue() {
        return intakeDeadLetterQueue;
    }

    /** Where stream records that send-notifications keeps failing on are parked. */
    public Queue streamFailures() {
        return streamFailures;
    }

    public SecureTable notifications() {
        return notifications;
    }

    public SecureTable subscriptions() {
        return subscriptions;
    }

    public Key topicsKey() {
        return topicsKey;
    }

    public JavaFunction publish() {
        return publish;
    }

    public JavaFunction createAlerts() {
        return createAlerts;
    }

    public JavaFunction sendNotifications() {
        return sendNotifications;
    }

    public JavaFunction userSubscriptions() {
        return userSubscriptions;
    }

    /** The Lambda authorizer both APIs share; its resolver context identifies the caller. */
    public AppSyncAuthorizer authorizer() {
        return authorizer;
    }

    public GraphqlApi publishApi() {
        return publishApi;
    }

    public GraphqlApi frontendApi() {
        return frontendApi;
    }
}
