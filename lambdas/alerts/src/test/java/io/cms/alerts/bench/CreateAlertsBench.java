package io.cms.alerts.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.Alert;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.handler.CreateAlertsHandler;
import io.cms.alerts.handler.SendNotificationsHandler;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.Events;
import io.cms.alerts.testutils.FakeSnsClient;
import java.time.Clock;
import java.time.Instant;

/**
 * Throughput of the alerts pipeline on DynamoDB Local (in-process): create-alerts over SQS batches of
 * 10 (first deliveries, then the same messages redelivered, which must write nothing), and
 * send-notifications over the resulting stream. Prints messages per second and the per-message cost.
 * Run by {@code make bench}; not a test.
 */
public final class CreateAlertsBench {

    private CreateAlertsBench() {
    }

    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        AlertsConfig config = Configs.standard();
        try (AlertsTables tables = new AlertsTables()) {
            CreateAlertsHandler create = new CreateAlertsHandler(
                    new AlertRecorder(config, tables.notifications(), Clock.systemUTC()));
            FakeSnsClient sns = new FakeSnsClient();
            SendNotificationsHandler send = new SendNotificationsHandler(new NotificationSender(
                    new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings(
                            "alias/bench", "bench", FakeSnsClient.ARN_PREFIX))));
            // Warm-up on a separate VIN so JIT and DynamoDB Local are past their first calls.
            run(create, config, 200, "WARM", Instant.parse("2026-01-01T00:00:00Z"));
            send.handle(tables.pollStream());

            Instant t0 = Instant.parse("2026-11-22T00:00:00Z");
            long start = System.nanoTime();
            int failed = run(create, config, messages, "RUN1", t0);
            double firstSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            failed += run(create, config, messages, "RUN1", t0);
            double duplicateSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            ObjectNode stream = tables.pollStream();
            double pollSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            JsonNode response = send.handle(stream);
            double sendSeconds = (System.nanoTime() - start) / 1e9;

            System.out.printf("alerts bench: %d messages, batches of 10, DynamoDB Local in-process%n", messages);
            System.out.printf("  create-alerts first delivery : %8.0f msg/s (%.3f ms/msg)%n",
                    messages / firstSeconds, firstSeconds * 1000 / messages);
            System.out.printf("  create-alerts redelivery     : %8.0f msg/s (%.3f ms/msg), rows now %d%n",
                    messages / duplicateSeconds, duplicateSeconds * 1000 / messages, tables.notificationCount());
            System.out.printf("  send-notifications           : %8.0f rec/s over %d stream records (stream read %.2f s)%n",
                    stream.get("Records").size() / sendSeconds, stream.get("Records").size(), pollSeconds);
            System.out.printf("  failures reported: %d create, %d send%n", failed,
                    response.get("batchItemFailures").size());
        }
    }

    private static int run(CreateAlertsHandler create, AlertsConfig config, int messages, String tag, Instant t0) {
        int failed = 0;
        for (int i = 0; i < messages; i += 10) {
            ObjectNode[] batch = new ObjectNode[Math.min(10, messages - i)];
            for (int j = 0; j < batch.length; j++) {
                int n = i + j;
                String vin = String.format("1HGCM82633A%06d", n % 100);
                batch[j] = Events.sqsRecordFromSns(tag + "-sqs-" + n, tag + "-sns-" + n, t0.plusMillis(n),
                        new Alert(vin, "VEHICLE_ALARM", "alert " + n).toJson(), 1);
            }
            failed += create.handle(Events.sqsEvent(batch)).get("batchItemFailures").size();
        }
        return failed;
    }
}
