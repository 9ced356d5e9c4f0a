package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.Alert;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.alerts.testutils.SqsEngine;
import io.cms.alerts.testutils.SqsEventSource;
import io.cms.lambda.common.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The intake queue as the stack configures it (dead-letter queue after five receives) on a real SQS
 * engine, drained by create-alerts the way Lambda's event source mapping does with partial batch
 * responses; notifications on DynamoDB Local, emails through send-notifications.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntakeQueueOnSqsEngineTest {

    /** As in the stack (AlertsSettings.MAX_RECEIVE_COUNT). */
    private static final int MAX_RECEIVE_COUNT = 5;
    private static final String VIN = "1HGCM82633A004352";
    private static final String USER = "driver@example.com";
    private static final String POISON = "{not an alert";

    private final AlertsConfig config = Configs.standard();
    private SqsEngine engine;
    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private FakeSnsClient sns;
    private SnsTopicDirectory topics;
    private CreateAlertsHandler createAlerts;
    private SendNotificationsHandler sendNotifications;
    private String queue;
    private String deadLetters;
    private int run;

    @BeforeAll
    void start() {
        engine = new SqsEngine();
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    @BeforeEach
    void reset() {
        run++;
        TABLES.clear();
        sns = new FakeSnsClient();
        topics = new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings(
                "alias/cms-alerts", "uuid-1", FakeSnsClient.ARN_PREFIX));
        createAlerts = new CreateAlertsHandler(new AlertRecorder(config, TABLES.notifications(), Clock.systemUTC()));
        sendNotifications = new SendNotificationsHandler(new NotificationSender(topics));
        deadLetters = engine.createQueue("intake-dlq-" + run);
        queue = engine.createQueueWithDeadLetterQueue("intake-" + run, deadLetters, MAX_RECEIVE_COUNT, 1);
        String arn = topics.ensureTopic(config.topicName("VEHICLE_ALARM", VIN));
        topics.subscribeEmail(arn, USER);
        sns.confirm(arn, USER);
    }

    /** The body the SNS-to-SQS subscription delivers: the SNS envelope around the alert. */
    private static String snsEnvelope(String snsMessageId, String text) {
        ObjectNode envelope = Json.object();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", snsMessageId);
        envelope.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:cms-alerts-intake");
        envelope.put("Message", new Alert(VIN, "VEHICLE_ALARM", text).toJson());
        envelope.put("Timestamp", Instant.now().toString());
        return Json.write(envelope);
    }

    private void send(String body) {
        engine.sqs().sendMessage(b -> b.queueUrl(queue).messageBody(body));
    }

    private List<Message> deadLetterMessages() {
        return engine.sqs().receiveMessage(b -> b.queueUrl(deadLetters).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    @Test
    void aPoisonMessageEndsInTheDeadLetterQueueAfterFiveReceivesWithoutBlockingTheQueue() {
        send(POISON);
        for (int i = 1; i <= 3; i++) {
            send(snsEnvelope("sns-" + i, "alert " + i));
        }
        SqsEventSource source = new SqsEventSource(engine.sqs(), queue, 10);
        Map<String, Integer> receives = new HashMap<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        boolean othersDoneWhilePoisonQueued = false;
        while (engine.depth(queue) > 0 && Instant.now().isBefore(deadline)) {
            for (Message m : source.pollOnce(createAlerts::handle)) {
                receives.merge(m.body(), 1, Integer::sum);
            }
            if (receives.size() == 4 && receives.getOrDefault(POISON, 0) < MAX_RECEIVE_COUNT) {
                // The good alerts are recorded on their first receive while the poison is still queued.
                assertThat(TABLES.notificationCount()).isEqualTo(3);
                assertThat(engine.depth(queue)).isEqualTo(1);
                othersDoneWhilePoisonQueued = true;
            }
        }
        assertThat(othersDoneWhilePoisonQueued).isTrue();
        assertThat(engine.depth(queue)).as("intake queue drained").isZero();
        assertThat(receives.get(POISON)).isEqualTo(MAX_RECEIVE_COUNT);
        assertThat(receives.entrySet()).filteredOn(e -> !e.getKey().equals(POISON))
                .hasSize(3).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));
        assertThat(deadLetterMessages()).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(POISON));
        assertThat(TABLES.notificationCount()).isEqualTo(3);
        assertThat(sendNotifications.handle(TABLES.pollStream()).get("batchItemFailures")).isEmpty();
        assertThat(sns.emailsTo(USER)).hasSize(3);
    }

    @Test
    void theSameMessageDeliveredThreeTimesYieldsOneNotificationAndOneEmail() {
        send(snsEnvelope("sns-once", "tyre pressure low"));
        SqsEventSource source = new SqsEventSource(engine.sqs(), queue, 10);
        // Twice the function does its work but the acknowledgement is lost (timeout, crash): SQS redelivers.
        String messageId = null;
        for (int delivery = 1; delivery <= 2; delivery++) {
            List<Message> received = awaitMessages(() -> source.pollWithoutAcknowledging(createAlerts::handle));
            assertThat(received).singleElement().satisfies(m -> assertThat(m.attributesAsStrings()
                    .get("ApproximateReceiveCount")).isNotNull());
            messageId = received.get(0).messageId();
            sendNotifications.handle(TABLES.pollStream());
        }
        List<Message> third = awaitMessages(() -> source.pollOnce(createAlerts::handle));
        assertThat(third).singleElement().satisfies(m -> {
            assertThat(m.attributesAsStrings().get("ApproximateReceiveCount")).isEqualTo("3");
        });
        assertThat(third.get(0).messageId()).isEqualTo(messageId);
        assertThat(sendNotifications.handle(TABLES.pollStream()).get("batchItemFailures")).isEmpty();

        assertThat(engine.depth(queue)).isZero();
        assertThat(TABLES.notificationCount()).isEqualTo(1);
        assertThat(sns.emailsTo(USER)).singleElement()
                .satisfies(email -> assertThat(email.message()).isEqualTo("tyre pressure low"));
    }

    /** Polls until a batch arrives (the previous receive's visibility timeout must pass first). */
    private static List<Message> awaitMessages(java.util.function.Supplier<List<Message>> poll) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            List<Message> messages = poll.get();
            if (!messages.isEmpty()) {
                return messages;
            }
        }
        throw new AssertionError("no message became visible within 10 s");
    }
}
