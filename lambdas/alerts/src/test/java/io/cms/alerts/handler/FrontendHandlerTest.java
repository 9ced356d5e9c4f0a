package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.alerts.AccessDeniedException;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.Alert;
import io.cms.alerts.NotFoundException;
import io.cms.alerts.NotificationFailedException;
import io.cms.alerts.NotificationQueries;
import io.cms.alerts.QueuedMessage;
import io.cms.alerts.UserSubscriptions;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.Events;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.lambda.common.BadInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The frontend API resolver with two users and an administrator, identities from the resolver context. */
class FrontendHandlerTest {

    private static final String VIN = "1HGCM82633A004352";
    private static final String VIN_2 = "5YJ3E1EA7KF317000";
    private static final String ADMIN_SCOPE = "cms-service-resource-server/cms-admin";
    private static final Map<String, String> ALICE = Events.caller("alice-sub", "alice@example.com", "openid email");
    private static final Map<String, String> BOB = Events.caller("bob-sub", "Bob@Example.com", "openid");
    private static final Map<String, String> ADMIN = Events.caller("ops-sub", "ops@example.com", "openid " + ADMIN_SCOPE);

    private final AlertsConfig config = Configs.with(Map.of("ADMIN_SCOPES", ADMIN_SCOPE));
    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private FakeSnsClient sns;
    private FrontendHandler handler;

    @BeforeEach
    void reset() {
        TABLES.clear();
        sns = new FakeSnsClient();
        handler = handlerWith(config);
    }

    private FrontendHandler handlerWith(AlertsConfig configuration) {
        SnsTopicDirectory topics = new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings(
                "alias/k", "u", FakeSnsClient.ARN_PREFIX));
        return new FrontendHandler(new UserSubscriptions(configuration, TABLES.subscriptions(), topics),
                new NotificationQueries(configuration, TABLES.notifications(), TABLES.subscriptions()), configuration);
    }

    private JsonNode call(String type, String field, Map<String, ?> args, Map<String, String> caller) {
        return handler.resolve(Events.appSync(type, field, args, caller));
    }

    private JsonNode update(Map<String, String> caller, String email, boolean enabled, String vin) {
        return call("Mutation", "updateUserSubscriptions", Map.of("email", email,
                "alarms", List.of(Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", enabled, "vin", vin))), caller);
    }

    private JsonNode get(Map<String, String> caller, String email) {
        return call("Query", "getUserSubscriptions", Map.of("email", email), caller);
    }

    @Test
    void aUserSubscribesAndSeesTheSubscriptionPendingUntilConfirmed() {
        assertThat(update(ALICE, "alice@example.com", true, VIN).asBoolean()).isTrue();
        JsonNode pending = get(ALICE, "alice@example.com");
        assertThat(pending.get("emailEnabled").asBoolean()).isTrue();
        assertThat(pending.get("alarms")).singleElement().satisfies(a -> {
            assertThat(a.get("vin").asText()).isEqualTo(VIN);
            assertThat(a.get("alarmType").asText()).isEqualTo("VEHICLE_ALARM");
            assertThat(a.get("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        });
        sns.confirm(FakeSnsClient.arnOf("CMS-VEHICLE_ALARM-" + VIN), "alice@example.com");
        assertThat(get(ALICE, "alice@example.com").get("alarms").get(0).get("status").asText()).isEqualTo("CONFIRMED");
    }

    @Test
    void aUserCannotReadAnotherUsersSubscriptions() {
        update(ALICE, "alice@example.com", true, VIN);
        assertThatThrownBy(() -> get(BOB, "alice@example.com")).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aUserCannotChangeAnotherUsersSubscriptionsAndNothingChanges() {
        update(ALICE, "alice@example.com", true, VIN);
        assertThatThrownBy(() -> update(BOB, "alice@example.com", false, VIN))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> update(BOB, "alice@example.com", true, VIN_2))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).hasSize(1);
        assertThat(sns.hasTopic("CMS-VEHICLE_ALARM-" + VIN_2)).isFalse();
    }

    @Test
    void theOwnEmailMatchesWhateverItsCase() {
        assertThat(update(BOB, "BOB@example.COM", true, VIN).asBoolean()).isTrue();
        assertThat(get(BOB, "bob@example.com").get("email").asText()).isEqualTo("bob@example.com");
    }

    @Test
    void anAdministratorCanReadAndChangeAnyonesSubscriptions() {
        update(ALICE, "alice@example.com", true, VIN);
        assertThat(get(ADMIN, "alice@example.com").get("alarms")).hasSize(1);
        update(ADMIN, "alice@example.com", false, VIN);
        assertThat(get(ALICE, "alice@example.com").get("alarms")).isEmpty();
        assertThat(get(ALICE, "alice@example.com").get("emailEnabled").asBoolean()).isFalse();
    }

    @Test
    void aCallerWithoutResolverContextIsRefused() {
        assertThatThrownBy(() -> get(null, "alice@example.com")).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void unsubscribingAPendingSubscriptionSucceedsAndRemovesTheRow() {
        update(ALICE, "alice@example.com", true, VIN);
        assertThat(update(ALICE, "alice@example.com", false, VIN).asBoolean()).isTrue();
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).isEmpty();
    }

    @Test
    void unsubscribingAConfirmedSubscriptionRemovesItFromSns() {
        update(ALICE, "alice@example.com", true, VIN);
        String topicArn = FakeSnsClient.arnOf("CMS-VEHICLE_ALARM-" + VIN);
        sns.confirm(topicArn, "alice@example.com");
        update(ALICE, "alice@example.com", false, VIN);
        assertThat(sns.subscriptionCount(topicArn)).isZero();
    }

    @Test
    void aSubscriptionRemovedByEmailLinkIsReportedAndCanBeEnabledAgain() {
        update(ALICE, "alice@example.com", true, VIN);
        String topicArn = FakeSnsClient.arnOf("CMS-VEHICLE_ALARM-" + VIN);
        sns.unsubscribeByLink(topicArn, "alice@example.com");
        JsonNode view = get(ALICE, "alice@example.com");
        assertThat(view.get("alarms").get(0).get("status").asText()).isEqualTo("UNSUBSCRIBED");
        assertThat(view.get("emailEnabled").asBoolean()).isFalse();
        update(ALICE, "alice@example.com", true, VIN);
        assertThat(sns.subscriptionCount(topicArn)).isEqualTo(1);
        assertThat(get(ALICE, "alice@example.com").get("alarms").get(0).get("status").asText())
                .isEqualTo("PENDING_CONFIRMATION");
    }

    @Test
    void anInvalidAlarmInTheListAppliesNoneOfTheChanges() {
        Map<String, Object> good = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", VIN);
        Map<String, Object> bad = Map.of("alarmType", "NOT_CONFIGURED", "emailEnabled", true, "vin", VIN_2);
        assertThatThrownBy(() -> call("Mutation", "updateUserSubscriptions",
                Map.of("email", "alice@example.com", "alarms", List.of(good, bad)), ALICE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("NOT_CONFIGURED");
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).isEmpty();
        assertThat(sns.createTopicCalls()).isZero();
    }

    @Test
    void anAlarmBothEnabledAndDisabledInOneCallIsRejected() {
        Map<String, Object> on = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", VIN);
        Map<String, Object> off = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", false, "vin", VIN);
        assertThatThrownBy(() -> call("Mutation", "updateUserSubscriptions",
                Map.of("email", "alice@example.com", "alarms", List.of(on, off)), ALICE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("both enabled and disabled");
    }

    @Test
    void subscribingTwiceKeepsOneSubscription() {
        update(ALICE, "alice@example.com", true, VIN);
        update(ALICE, "alice@example.com", true, VIN);
        assertThat(sns.subscriptionCount(FakeSnsClient.arnOf("CMS-VEHICLE_ALARM-" + VIN))).isEqualTo(1);
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).hasSize(1);
    }

    @Test
    void anInvalidVinInTheListAppliesNoneOfTheChanges() {
        Map<String, Object> first = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", VIN);
        Map<String, Object> second = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", "BAD0000000000000I");
        assertThatThrownBy(() -> call("Mutation", "updateUserSubscriptions",
                Map.of("email", "alice@example.com", "alarms", List.of(first, second)), ALICE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("vin");
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).isEmpty();
    }

    @Test
    void anSnsFailurePartWayIsAnErrorThatKeepsTheChangesAlreadyMade() {
        Map<String, Object> first = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", VIN);
        Map<String, Object> second = Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", VIN_2);
        update(ALICE, "alice@example.com", true, VIN);
        sns.failNextSubscribes(1);
        assertThatThrownBy(() -> call("Mutation", "updateUserSubscriptions",
                Map.of("email", "alice@example.com", "alarms", List.of(first, second)), ALICE))
                .isInstanceOf(NotificationFailedException.class).hasMessageContaining(VIN_2);
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).extracting(r -> r.vin()).containsExactly(VIN);
        // Repeating the call completes it.
        call("Mutation", "updateUserSubscriptions", Map.of("email", "alice@example.com", "alarms", List.of(first, second)), ALICE);
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).hasSize(2);
    }

    private static List<Map<String, Object>> enableMany(int from, int count) {
        List<Map<String, Object>> alarms = new java.util.ArrayList<>();
        for (int i = from; i < from + count; i++) {
            alarms.add(Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", true, "vin", String.format("1HGCM8263%08d", i)));
        }
        return alarms;
    }

    private static Map<String, Object> disable(int index) {
        return Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", false, "vin", String.format("1HGCM8263%08d", index));
    }

    private void updateMany(List<Map<String, Object>> alarms) {
        call("Mutation", "updateUserSubscriptions", Map.of("email", "alice@example.com", "alarms", alarms), ALICE);
    }

    @Test
    void aUserCannotSubscribeBeyondTheConfiguredCapAndTheRefusedCallCreatesNoTopic() {
        handler = handlerWith(Configs.with(Map.of("ADMIN_SCOPES", ADMIN_SCOPE, "MAX_SUBSCRIPTIONS_PER_EMAIL", "3")));
        updateMany(enableMany(0, 2));
        updateMany(enableMany(2, 1));
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).hasSize(3);
        int topicsBefore = sns.createTopicCalls();
        assertThatThrownBy(() -> updateMany(enableMany(3, 1)))
                .isInstanceOf(BadInputException.class)
                .hasMessage("the email has 3 subscriptions; this call would add 1, but at most 3 are allowed per email;"
                        + " disable some alarms first");
        assertThat(sns.createTopicCalls()).isEqualTo(topicsBefore);
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).hasSize(3);
        // At the cap, re-enabling an existing alarm or swapping one vehicle for another is still allowed ...
        updateMany(List.of(enableMany(0, 1).get(0), disable(1), enableMany(3, 1).get(0)));
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).extracting(r -> r.vin())
                .containsExactlyInAnyOrder(String.format("1HGCM8263%08d", 0), String.format("1HGCM8263%08d", 2),
                        String.format("1HGCM8263%08d", 3));
        // ... but not adding two while removing one.
        List<Map<String, Object>> swapOneForTwo = new java.util.ArrayList<>(enableMany(4, 2));
        swapOneForTwo.add(disable(0));
        assertThatThrownBy(() -> updateMany(swapOneForTwo))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("would add 2 and remove 1, but at most 3");
    }

    @Test
    void oneCallEnablingMoreThanTheCapIsRefusedWhole() {
        handler = handlerWith(Configs.with(Map.of("MAX_SUBSCRIPTIONS_PER_EMAIL", "3")));
        assertThatThrownBy(() -> updateMany(enableMany(0, 4)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("has 0 subscriptions; this call would add 4");
        assertThat(sns.createTopicCalls()).isZero();
        assertThat(TABLES.subscriptions().byEmail("alice@example.com")).isEmpty();
    }

    private void record(String vin, String messageId, Instant at, String text) {
        new AlertRecorder(config, TABLES.notifications(), Clock.fixed(at, ZoneOffset.UTC))
                .record(new QueuedMessage(messageId, new Alert(vin, "VEHICLE_ALARM", text).toJson(), at));
    }

    @Test
    void aSubscriberListsTheVehiclesNotificationsNewestFirstInPages() {
        update(ALICE, "alice@example.com", true, VIN);
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            record(VIN, "m" + i, t0.plusSeconds(i), "alert " + i);
        }
        record(VIN_2, "other", t0, "someone else's car");
        JsonNode first = call("Query", "listNotifications", Map.of("vin", VIN, "limit", 3), ALICE);
        assertThat(first.get("items")).extracting(n -> n.get("message").asText())
                .containsExactly("alert 4", "alert 3", "alert 2");
        JsonNode second = call("Query", "listNotifications",
                Map.of("vin", VIN, "limit", 3, "nextToken", first.get("nextToken").asText()), ALICE);
        assertThat(second.get("items")).extracting(n -> n.get("message").asText())
                .containsExactly("alert 1", "alert 0");
        assertThat(second.get("nextToken").isNull()).isTrue();
    }

    @Test
    void aUserCannotListNotificationsOfAVehicleTheyDidNotSubscribeTo() {
        update(ALICE, "alice@example.com", true, VIN);
        assertThatThrownBy(() -> call("Query", "listNotifications", Map.of("vin", VIN), BOB))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(call("Query", "listNotifications", Map.of("vin", VIN), ADMIN).get("items")).isEmpty();
    }

    @Test
    void aNextTokenOfAnotherVehicleIsRejected() {
        update(ALICE, "alice@example.com", true, VIN);
        update(ALICE, "alice@example.com", true, VIN_2);
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        record(VIN_2, "a", t0, "x");
        record(VIN_2, "b", t0.plusSeconds(1), "y");
        String token = call("Query", "listNotifications", Map.of("vin", VIN_2, "limit", 1), ALICE)
                .get("nextToken").asText();
        assertThatThrownBy(() -> call("Query", "listNotifications", Map.of("vin", VIN, "nextToken", token), ALICE))
                .isInstanceOf(BadInputException.class).hasMessageContaining("nextToken");
        assertThatThrownBy(() -> call("Query", "listNotifications", Map.of("vin", VIN, "nextToken", "%%%"), ALICE))
                .isInstanceOf(BadInputException.class);
    }

    @Test
    void aSubscriberMarksANotificationRead() {
        update(ALICE, "alice@example.com", true, VIN);
        record(VIN, "m1", Instant.parse("2026-11-22T10:00:00Z"), "hello");
        String id = call("Query", "listNotifications", Map.of("vin", VIN), ALICE).get("items").get(0).get("id").asText();
        assertThat(call("Mutation", "markNotificationRead", Map.of("id", id), ALICE).get("read").asBoolean()).isTrue();
        assertThat(call("Query", "listNotifications", Map.of("vin", VIN), ALICE).get("items").get(0).get("read")
                .asBoolean()).isTrue();
    }

    @Test
    void readIsOneFlagPerNotificationSharedByEverySubscriberOfTheVehicle() {
        // As in the original, `read` lives on the one notification row of the VIN and alarm type:
        // when Alice marks it read, Bob (also subscribed to the VIN) sees it read too.
        update(ALICE, "alice@example.com", true, VIN);
        update(BOB, "bob@example.com", true, VIN);
        record(VIN, "m1", Instant.parse("2026-11-22T10:00:00Z"), "hello");
        String id = call("Query", "listNotifications", Map.of("vin", VIN), BOB).get("items").get(0).get("id").asText();
        assertThat(call("Query", "listNotifications", Map.of("vin", VIN), BOB).get("items").get(0).get("read")
                .asBoolean()).isFalse();
        call("Mutation", "markNotificationRead", Map.of("id", id), ALICE);
        assertThat(call("Query", "listNotifications", Map.of("vin", VIN), BOB).get("items").get(0).get("read")
                .asBoolean()).isTrue();
        assertThat(TABLES.notificationCount()).isEqualTo(1);
    }

    @Test
    void markingReadIsRefusedToOtherUsersAndForUnknownIds() {
        update(ALICE, "alice@example.com", true, VIN);
        record(VIN, "m1", Instant.parse("2026-11-22T10:00:00Z"), "hello");
        String id = call("Query", "listNotifications", Map.of("vin", VIN), ALICE).get("items").get(0).get("id").asText();
        assertThatThrownBy(() -> call("Mutation", "markNotificationRead", Map.of("id", id), BOB))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> call("Mutation", "markNotificationRead",
                Map.of("id", "CMS-VEHICLE_ALARM-" + VIN + "/0000000000001-nope"), ALICE))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> call("Mutation", "markNotificationRead", Map.of("id", "garbage"), ALICE))
                .isInstanceOf(BadInputException.class);
        assertThat(TABLES.notificationCount()).isEqualTo(1);
    }

    @Test
    void anUnknownFieldIsABadRequest() {
        assertThatThrownBy(() -> call("Query", "dropTables", Map.of(), ALICE)).isInstanceOf(BadInputException.class);
    }
}
