package io.cms.alerts.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.EmailSubscription;
import io.cms.alerts.NotificationSender;
import io.cms.alerts.Notification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalOutboxTest {

    private static final String TOPIC = "CMS-VEHICLE_ALARM-1HGCM82633A004352";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Notification notification(String text) {
        Instant at = CLOCK.instant();
        return new Notification(TOPIC, Notification.sortKey(at, "m1"), "1HGCM82633A004352", "VEHICLE_ALARM", text,
                at, false, at.plusSeconds(60));
    }

    @Test
    void everyEmailIsWrittenAsAJsonFileForEachSubscriber() throws Exception {
        LocalOutbox outbox = new LocalOutbox(dir, CLOCK);
        String arn = outbox.ensureTopic(TOPIC);
        assertThat(outbox.subscribeEmail(arn, "a@example.com").status()).isEqualTo(EmailSubscription.Status.CONFIRMED);
        outbox.subscribeEmail(arn, "b@example.com");
        new NotificationSender(outbox).send(notification("door open"));
        assertThat(outbox.emails()).extracting(LocalOutbox.OutboxEmail::to)
                .containsExactly("a@example.com", "b@example.com");
        assertThat(outbox.emailsTo("a@example.com")).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("door open");
            assertThat(e.subject()).isEqualTo("CMS alert VEHICLE_ALARM for 1HGCM82633A004352");
            assertThat(e.sentAt()).isEqualTo(CLOCK.instant());
        });
        try (var files = Files.list(dir.resolve("mail"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json")).count()).isEqualTo(2);
        }
    }

    @Test
    void subscriptionsAndEmailsSurviveARestart() {
        LocalOutbox first = new LocalOutbox(dir, CLOCK);
        String arn = first.ensureTopic(TOPIC);
        first.subscribeEmail(arn, "a@example.com");
        first.publish(arn, "s", "one");
        LocalOutbox second = new LocalOutbox(dir, CLOCK);
        second.publish(second.ensureTopic(TOPIC), "s", "two");
        assertThat(second.emailsTo("a@example.com")).extracting(LocalOutbox.OutboxEmail::message)
                .containsExactly("one", "two");
    }

    @Test
    void anUnsubscribedAddressGetsNoMoreEmail() {
        LocalOutbox outbox = new LocalOutbox(dir, CLOCK);
        String arn = outbox.ensureTopic(TOPIC);
        EmailSubscription subscription = outbox.subscribeEmail(arn, "a@example.com");
        outbox.unsubscribe(subscription.arn());
        outbox.publish(arn, "s", "m");
        assertThat(outbox.emails()).isEmpty();
        assertThat(outbox.status(subscription.arn())).isEmpty();
    }

    @Test
    void publishingToAnUnknownTopicFails() {
        LocalOutbox outbox = new LocalOutbox(dir, CLOCK);
        assertThatThrownBy(() -> outbox.publish("arn:cms-local:sns:local:000000000000:nope", "s", "m"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such topic");
    }
}
