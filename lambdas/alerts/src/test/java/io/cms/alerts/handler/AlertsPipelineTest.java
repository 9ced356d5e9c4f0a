package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.Alert;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.Notification;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.Events;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.lambda.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * create-alerts (SQS) → Notifications table (DynamoDB Local, real stream) → send-notifications →
 * per-VIN topic, with SNS faked at its client interface.
 */
class AlertsPipelineTest {

    private static final String VIN = "1HGCM82633A004352";
    private static final String OTHER_VIN = "5YJ3E1EA7KF317000";
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123Z");
    private static final String USER = "driver@example.com";

    private final AlertsConfig config = Configs.standard();
    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private FakeSnsClient sns;
    private CreateAlertsHandler createAlerts;
    private SendNotificationsHandler sendNotifications;
    private SnsTopicDirectory topics;

    @BeforeEach
    void reset() {
        TABLES.clear();
        sns = new FakeSnsClient();
        topics = new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings(
                "alias/cms-alerts", "uuid-1", FakeSnsClient.ARN_PREFIX));
        createAlerts = new CreateAlertsHandler(new AlertRecorder(config, TABLES.notifications(),
                Clock.fixed(T0, ZoneOffset.UTC)));
        sendNotifications = new SendNotificationsHandler(new NotificationSender(topics));
    }

    private String subscribeConfirmed(String vin) {
        String arn = topics.ensureTopic(config.topicName("VEHICLE_ALARM", vin));
        topics.subscribeEmail(arn, USER);
        sns.confirm(arn, USER);
        return arn;
    }

    private static String alert(String vin, String text) {
        return new Alert(vin, "VEHICLE_ALARM", text).toJson();
    }

    private static List<String> failures(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }

    @Test
    void theSameMessageDeliveredThreeTimesGivesOneNotificationAndOneEmail() {
        String topicArn = subscribeConfirmed(VIN);
        for (int receive = 1; receive <= 3; receive++) {
            ObjectNode record = Events.sqsRecordFromSns("sqs-1", "sns-1", T0, alert(VIN, "tyre pressure low"), receive);
            assertThat(failures(createAlerts.handle(Events.sqsEvent(record)))).isEmpty();
            assertThat(failures(sendNotifications.handle(TABLES.pollStream()))).isEmpty();
        }
        assertThat(TABLES.notificationCount()).isEqualTo(1);
        assertThat(sns.emailsTo(USER)).singleElement().satisfies(email -> {
            assertThat(email.topicArn()).isEqualTo(topicArn);
            assertThat(email.message()).isEqualTo("tyre pressure low");
            assertThat(email.subject()).isEqualTo("CMS alert VEHICLE_ALARM for " + VIN);
        });
    }

    @Test
    void aPublishRetriedWithTheSameIdempotencyKeyGivesOneNotificationAndOneEmail() {
        subscribeConfirmed(VIN);
        String alertsTopic = sns.createTopic(b -> b.name("cms-alerts-topic")).topicArn();
        PublishHandler publish = new PublishHandler(Configs.publishScopes(),
                new io.cms.alerts.AlertPublisher(config, new io.cms.alerts.sns.SnsAlertIntake(sns, alertsTopic)));
        java.util.Map<String, String> service = java.util.Map.of("sub", "connect-store-client",
                "scopes", "openid " + Configs.SERVICE_SCOPE);
        java.util.Map<String, Object> args = java.util.Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM",
                "message", "door open", "idempotencyKey", "alarm-7f3c9e2a");
        // The caller timed out after the first publish had succeeded, and retried with the same key.
        publish.resolve(Events.appSync("Mutation", "publish", args, service));
        publish.resolve(Events.appSync("Mutation", "publish", args, service));
        List<FakeSnsClient.Published> published = sns.publishedTo(alertsTopic);
        assertThat(published).hasSize(2);
        for (int i = 0; i < published.size(); i++) {
            FakeSnsClient.Published p = published.get(i);
            ObjectNode record = Events.sqsRecordFromSns("sqs-" + i, p.messageId(), T0.plusSeconds(31L * i), p.message(), 1);
            assertThat(failures(createAlerts.handle(Events.sqsEvent(record)))).isEmpty();
            assertThat(failures(sendNotifications.handle(TABLES.pollStream()))).isEmpty();
        }
        assertThat(TABLES.notifications().list(VIN, null, 100, null).items()).singleElement()
                .satisfies(n -> assertThat(n.message()).isEqualTo("door open"));
        assertThat(sns.emailsTo(USER)).hasSize(1);
        // Another key, or the same key for another vehicle, is another alert.
        for (String[] other : new String[][] {{VIN, "alarm-other"}, {OTHER_VIN, "alarm-7f3c9e2a"}}) {
            String body = new Alert(other[0], "VEHICLE_ALARM", "door open", other[1]).toJson();
            createAlerts.handle(Events.sqsEvent(Events.sqsRecordFromSns("sqs-" + other[0] + other[1],
                    "sns-" + other[0] + other[1], T0.plusSeconds(90), body, 1)));
        }
        assertThat(TABLES.notifications().list(VIN, null, 100, null).items()).hasSize(2);
        assertThat(TABLES.notifications().list(OTHER_VIN, null, 100, null).items()).hasSize(1);
    }

    @Test
    void oneSnsMessageCopiedIntoTwoSqsMessagesIsRecordedOnce() {
        subscribeConfirmed(VIN);
        createAlerts.handle(Events.sqsEvent(
                Events.sqsRecordFromSns("sqs-a", "sns-7", T0, alert(VIN, "door open"), 1),
                Events.sqsRecordFromSns("sqs-b", "sns-7", T0, alert(VIN, "door open"), 1)));
        sendNotifications.handle(TABLES.pollStream());
        assertThat(TABLES.notificationCount()).isEqualTo(1);
        assertThat(sns.emailsTo(USER)).hasSize(1);
    }

    @Test
    void aPoisonMessageIsReportedOnEveryReceiveWithoutBlockingTheOthers() {
        subscribeConfirmed(VIN);
        for (int receive = 1; receive <= 5; receive++) {
            JsonNode response = createAlerts.handle(Events.sqsEvent(
                    Events.sqsRecordFromSns("good-" + receive, "sns-good-" + receive, T0.plusSeconds(receive),
                            alert(VIN, "alert " + receive), 1),
                    Events.sqsRecord("poison", "{not json", T0, receive)));
            assertThat(failures(response)).containsExactly("poison");
        }
        sendNotifications.handle(TABLES.pollStream());
        assertThat(TABLES.notificationCount()).isEqualTo(5);
        assertThat(sns.emailsTo(USER)).hasSize(5);
    }

    @Test
    void anAlertWithAnInvalidVinIsPoisonAndWritesNothing() {
        JsonNode response = createAlerts.handle(Events.sqsEvent(
                Events.sqsRecordFromSns("m1", "s1", T0, alert("not-a-vin", "x").replace("not-a-vin", "bad"), 1)));
        assertThat(failures(response)).containsExactly("m1");
        assertThat(TABLES.notificationCount()).isZero();
    }

    @Test
    void anUnconfiguredAlarmTypeIsPoison() {
        String body = Json.write(Json.object(java.util.Map.of("vin", VIN, "alarm_type", "SOMETHING_ELSE",
                "message", "x")));
        JsonNode response = createAlerts.handle(Events.sqsEvent(Events.sqsRecord("m1", body, T0, 1)));
        assertThat(failures(response)).containsExactly("m1");
    }

    @Test
    void rawDeliveredAlertsAreRecordedWithTheSqsIdAndSendTime() {
        createAlerts.handle(Events.sqsEvent(Events.sqsRecord("raw-1", alert(OTHER_VIN, "charge low"), T0, 1)));
        Notification stored = TABLES.notifications().list(OTHER_VIN, null, 10, null).items().get(0);
        assertThat(stored.topic()).isEqualTo("CMS-VEHICLE_ALARM-" + OTHER_VIN);
        assertThat(stored.timestamp()).isEqualTo(String.format("%013d-raw-1", T0.toEpochMilli()));
        assertThat(stored.read()).isFalse();
        assertThat(stored.expiresAt()).isEqualTo(T0.plus(config.retention()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void theNotificationTopicIsCreatedWithTheKmsKeyWhenNobodySubscribedYet() {
        createAlerts.handle(Events.sqsEvent(Events.sqsRecordFromSns("m1", "s1", T0, alert(OTHER_VIN, "hello"), 1)));
        sendNotifications.handle(TABLES.pollStream());
        String name = "CMS-VEHICLE_ALARM-" + OTHER_VIN;
        assertThat(sns.topicAttributes(name)).containsEntry("KmsMasterKeyId", "alias/cms-alerts");
        assertThat(sns.topicTags(name)).containsEntry("AlertsUUID", "uuid-1");
        assertThat(sns.publishedTo(FakeSnsClient.arnOf(name))).hasSize(1);
    }

    @Test
    void markingANotificationReadSendsNoSecondEmail() {
        subscribeConfirmed(VIN);
        createAlerts.handle(Events.sqsEvent(Events.sqsRecordFromSns("m1", "s1", T0, alert(VIN, "hello"), 1)));
        sendNotifications.handle(TABLES.pollStream());
        Notification n = TABLES.notifications().list(VIN, null, 10, null).items().get(0);
        assertThat(TABLES.notifications().markRead(Notification.parseId(n.id()))).isTrue();
        ObjectNode modify = TABLES.pollStream();
        assertThat(modify.get("Records")).hasSize(1);
        assertThat(modify.get("Records").get(0).get("eventName").asText()).isEqualTo("MODIFY");
        assertThat(failures(sendNotifications.handle(modify))).isEmpty();
        assertThat(sns.emailsTo(USER)).hasSize(1);
    }

    @Test
    void aFailedSendReportsItsSequenceNumberAndStopsSoLaterRecordsAreNotSentTwice() {
        subscribeConfirmed(VIN);
        createAlerts.handle(Events.sqsEvent(
                Events.sqsRecordFromSns("m1", "s1", T0, alert(VIN, "first"), 1),
                Events.sqsRecordFromSns("m2", "s2", T0.plusSeconds(1), alert(VIN, "second"), 1)));
        ObjectNode batch = TABLES.pollStream();
        sns.failNextPublishes(1);
        JsonNode response = sendNotifications.handle(batch);
        String firstSequence = batch.get("Records").get(0).get("dynamodb").get("SequenceNumber").asText();
        assertThat(failures(response)).containsExactly(firstSequence);
        assertThat(sns.emailsTo(USER)).isEmpty();
        // Lambda retries the batch from the reported record: each alert is emailed once.
        assertThat(failures(sendNotifications.handle(batch))).isEmpty();
        assertThat(sns.emailsTo(USER)).extracting(FakeSnsClient.Email::message).containsExactly("first", "second");
    }

    /** An INSERT whose image can never become a notification: its createdAt is not an instant. */
    private static ObjectNode malformedInsert(String sequence, String topic) {
        ObjectNode record = Json.object();
        record.put("eventName", "INSERT");
        ObjectNode image = record.putObject("dynamodb").put("SequenceNumber", sequence).putObject("NewImage");
        image.putObject("topic").put("S", topic);
        image.putObject("timestamp").put("S", "0000000000000-m");
        image.putObject("vin").put("S", VIN);
        image.putObject("alarmType").put("S", "VEHICLE_ALARM");
        image.putObject("message").put("S", "never sent");
        image.putObject("createdAt").put("S", "not-a-time");
        return record;
    }

    /** Two alerts recorded through create-alerts, as their stream batch. */
    private ObjectNode twoRecordedAlerts(String first, String second) {
        createAlerts.handle(Events.sqsEvent(
                Events.sqsRecordFromSns("m1", "s1", T0, alert(VIN, first), 1),
                Events.sqsRecordFromSns("m2", "s2", T0.plusSeconds(1), alert(VIN, second), 1)));
        ObjectNode batch = TABLES.pollStream();
        assertThat(batch.get("Records")).hasSize(2);
        return batch;
    }

    private static ObjectNode insertAt(ObjectNode batch, int index, ObjectNode record) {
        ArrayNode records = (ArrayNode) batch.get("Records");
        records.insert(index, record);
        return batch;
    }

    private static String sequenceOf(ObjectNode batch, int index) {
        return batch.get("Records").get(index).get("dynamodb").get("SequenceNumber").asText();
    }

    @Test
    void aMalformedStreamImageIsSkippedNotRetried() {
        ObjectNode event = Json.object();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("eventName", "INSERT");
        record.putObject("dynamodb").put("SequenceNumber", "42").putObject("NewImage")
                .putObject("topic").put("S", "CMS-VEHICLE_ALARM-" + VIN);
        assertThat(failures(sendNotifications.handle(event))).isEmpty();
    }

    @Test
    void aMalformedRecordBetweenTwoValidOnesDoesNotStopTheOthers() {
        subscribeConfirmed(VIN);
        ObjectNode batch = insertAt(twoRecordedAlerts("first", "second"), 1,
                malformedInsert("999", "CMS-VEHICLE_ALARM-" + VIN));

        JsonNode response = sendNotifications.handle(batch);

        assertThat(failures(response)).isEmpty();
        assertThat(sns.emailsTo(USER)).extracting(FakeSnsClient.Email::message).containsExactly("first", "second");
    }

    @Test
    void theSkippedRecordIsLoggedWithItsReasonSanitisedAndBounded() {
        String hostileTopic = "CMS-VEHICLE_ALARM-" + VIN + "\nINFO forged log line" + "z".repeat(5_000);
        ObjectNode event = Json.object();
        event.putArray("Records").add(malformedInsert("seq\n7", hostileTopic));

        String log = stderrOf(() -> assertThat(failures(sendNotifications.handle(event))).isEmpty());

        String line = log.lines().filter(l -> l.contains("is skipped")).findFirst().orElseThrow();
        assertThat(line).contains("stream record seq?7 is skipped")
                .contains("notification CMS-VEHICLE_ALARM-" + VIN + "?INFO forged log line")
                .doesNotContain("z".repeat(SendNotificationsHandler.MAX_LOGGED_REASON));
        assertThat(line.length()).isLessThan(SendNotificationsHandler.MAX_LOGGED_REASON + 200);
        assertThat(log).doesNotContain("\nINFO forged log line");
    }

    @Test
    void aTransientFailureAfterASkippedRecordStillFailsTheBatchFromTheFailedRecord() {
        subscribeConfirmed(VIN);
        ObjectNode batch = insertAt(twoRecordedAlerts("first", "second"), 0,
                malformedInsert("1", "CMS-VEHICLE_ALARM-" + VIN));
        sns.failNextPublishes(1);

        JsonNode response = sendNotifications.handle(batch);

        assertThat(failures(response)).containsExactly(sequenceOf(batch, 1));
        assertThat(sns.emailsTo(USER)).isEmpty();
        // Lambda retries from the reported record: both alerts are emailed, once each.
        ObjectNode retry = Json.object();
        ArrayNode records = retry.putArray("Records");
        records.add(batch.get("Records").get(1));
        records.add(batch.get("Records").get(2));
        assertThat(failures(sendNotifications.handle(retry))).isEmpty();
        assertThat(sns.emailsTo(USER)).extracting(FakeSnsClient.Email::message).containsExactly("first", "second");
    }

    @Test
    void aStoredMessageTooLongForSnsIsSkippedNotRetried() {
        subscribeConfirmed(VIN);
        // A row written before messages were checked in bytes: 90 000 characters, 270 000 bytes.
        String tooLong = "\u20ac".repeat(90_000);
        TABLES.notifications().insertOnce(new Notification(config.topicName("VEHICLE_ALARM", VIN),
                Notification.sortKey(T0, "old"), VIN, "VEHICLE_ALARM", tooLong, T0, false, T0.plusSeconds(3600)));
        createAlerts.handle(Events.sqsEvent(
                Events.sqsRecordFromSns("m3", "s3", T0.plusSeconds(5), alert(VIN, "after it"), 1)));
        ObjectNode batch = TABLES.pollStream();
        assertThat(batch.get("Records")).hasSize(2);

        assertThat(failures(sendNotifications.handle(batch))).isEmpty();
        assertThat(sns.emailsTo(USER)).extracting(FakeSnsClient.Email::message).containsExactly("after it");
    }

    /** What the code logs (slf4j-simple writes to the current System.err) while it runs. */
    private static String stderrOf(Runnable code) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
