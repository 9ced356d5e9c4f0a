package io.cms.alerts;

import static io.cms.alerts.testutils.StatusLookupSns.arn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.EmailSubscription.Status;
import io.cms.alerts.UserSubscriptions.AlarmChange;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.alerts.testutils.StatusLookupSns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sns.model.InternalErrorException;

/**
 * {@code updateUserSubscriptions} reads the states of the alarms it enables again concurrently, on the
 * pool {@code getUserSubscriptions} uses, yet applies the changes in order with the errors and partial
 * failures of reading them one after another.
 */
class UserSubscriptionsUpdateConcurrencyTest {

    private static final String EMAIL = "alice@example.com";
    private static final CallerIdentity ALICE = new CallerIdentity("alice-sub", null, EMAIL, Set.of(), false);
    private static final int BOUND = UserSubscriptions.STATUS_LOOKUP_CONCURRENCY;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final AlertsConfig CONFIG = Configs.standard();

    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private StatusLookupSns sns;
    private Directory directory;
    private UserSubscriptions subscriptions;

    /** States from {@link StatusLookupSns} through the real {@link SnsTopicDirectory}; (un)subscribing is recorded. */
    private final class Directory implements TopicDirectory {
        private final SnsTopicDirectory states = new SnsTopicDirectory(sns,
                new SnsTopicDirectory.TopicSettings("alias/k", "u", FakeSnsClient.ARN_PREFIX));
        private final List<String> subscribed = new CopyOnWriteArrayList<>();
        private final List<String> unsubscribed = new CopyOnWriteArrayList<>();
        /** When set, subscribing to {@code failingTopicArn} runs this and then fails. */
        private volatile String failingTopicArn;
        private volatile StatusLookupSns.Hold beforeFailing = arn -> { };

        @Override
        public String ensureTopic(String topicName) {
            return FakeSnsClient.arnOf(topicName);
        }

        @Override
        public String publish(String topicArn, String subject, String message) {
            throw new UnsupportedOperationException("publish");
        }

        @Override
        public EmailSubscription subscribeEmail(String topicArn, String email) {
            if (topicArn.equals(failingTopicArn)) {
                try {
                    beforeFailing.before(topicArn);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw (InternalErrorException) InternalErrorException.builder().message("cannot subscribe to " + topicArn)
                        .statusCode(500).build();
            }
            subscribed.add(topicArn);
            return new EmailSubscription(topicArn + ":new", Status.PENDING_CONFIRMATION);
        }

        @Override
        public Optional<Status> status(String subscriptionArn) {
            return states.status(subscriptionArn);
        }

        @Override
        public void unsubscribe(String subscriptionArn) {
            unsubscribed.add(subscriptionArn);
        }
    }

    @BeforeEach
    void reset() {
        TABLES.clear();
        sns = new StatusLookupSns();
        directory = new Directory();
        subscriptions = new UserSubscriptions(CONFIG, TABLES.subscriptions(), directory);
    }

    private static String vin(int i) {
        return String.format("1HGCM8263%08d", i);
    }

    private static String topic(int i) {
        return CONFIG.topicName("VEHICLE_ALARM", vin(i));
    }

    /** Alarm {@code i}'s row, with the subscription ARN of state {@code state}; returns that ARN. */
    private String row(int i, String state) {
        String subscriptionArn = arn(i, state);
        TABLES.subscriptions().put(new SubscriptionStore.Row(EMAIL, topic(i), subscriptionArn, vin(i),
                "VEHICLE_ALARM"));
        return subscriptionArn;
    }

    private static AlarmChange enable(int i) {
        return new AlarmChange("VEHICLE_ALARM", true, vin(i));
    }

    private void awaitAnswered(String subscriptionArn) throws InterruptedException {
        if (!sns.awaitAnswered(subscriptionArn, WAIT)) {
            throw new IllegalStateException(subscriptionArn + " was not answered: the lookups do not run concurrently");
        }
    }

    private String rowArn(int i) {
        return TABLES.subscriptions().byEmail(EMAIL).stream().filter(r -> r.topicKey().equals(topic(i)))
                .map(SubscriptionStore.Row::subscriptionArn).findFirst().orElse(null);
    }

    @Test
    void theStatesOfTheAlarmsToEnableAreReadUpToTheBoundAtOnce() {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < BOUND + 4; i++) {
            arns.add(row(i, "confirmed"));
        }
        CountDownLatch full = new CountDownLatch(BOUND);
        // No lookup answers before BOUND of them are in flight together.
        sns.holdEachCall(subscriptionArn -> {
            full.countDown();
            if (!full.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("fewer than " + BOUND + " lookups ever ran at once");
            }
        });

        assertThat(subscriptions.update(ALICE, EMAIL, IntStream.range(0, BOUND + 4).mapToObj(i -> enable(i)).toList()))
                .isTrue();

        assertThat(sns.asked()).hasSameElementsAs(arns);
        assertThat(sns.maxInFlight()).isEqualTo(BOUND);
        assertThat(directory.subscribed).as("every alarm is still confirmed").isEmpty();
    }

    @Test
    void eachChangeAppliesItsOwnStateWhenSnsAnswersOutOfOrder() {
        String[] states = {"confirmed", "gone", "pending", "gone"};
        List<String> arns = new ArrayList<>();
        List<AlarmChange> changes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            arns.add(row(i, states[i % 4]));
            changes.add(enable(i));
        }
        String disabled = row(8, "confirmed");
        changes.add(3, new AlarmChange("VEHICLE_ALARM", false, vin(8)));
        changes.add(5, enable(9));
        // Last to first: each lookup answers only after that of the next alarm did.
        sns.holdEachCall(subscriptionArn -> {
            int i = arns.indexOf(subscriptionArn);
            if (i < arns.size() - 1) {
                awaitAnswered(arns.get(i + 1));
            }
        });

        assertThat(subscriptions.update(ALICE, EMAIL, changes)).isTrue();

        assertThat(sns.answered()).containsExactlyElementsOf(
                IntStream.range(0, arns.size()).mapToObj(i -> arns.get(arns.size() - 1 - i)).toList());
        assertThat(directory.subscribed).containsExactly(FakeSnsClient.arnOf(topic(1)), FakeSnsClient.arnOf(topic(3)),
                FakeSnsClient.arnOf(topic(9)), FakeSnsClient.arnOf(topic(5)), FakeSnsClient.arnOf(topic(7)));
        assertThat(directory.unsubscribed).containsExactly(disabled);
        assertThat(IntStream.of(0, 2, 4, 6).mapToObj(this::rowArn)).containsExactly(arns.get(0), arns.get(2),
                arns.get(4), arns.get(6));
        assertThat(rowArn(5)).isEqualTo(FakeSnsClient.arnOf(topic(5)) + ":new");
        assertThat(rowArn(8)).isNull();
    }

    @Test
    void aFailedLookupFailsTheCallAtItsChangeKeepingTheEarlierChangesAndMakingNoLaterOnes() {
        String gone = row(0, "gone");
        row(2, "confirmed");
        String broken = row(3, "broken");
        String goneAfter = row(4, "gone");
        String toDisable = row(5, "confirmed");
        List<AlarmChange> changes = List.of(enable(0), enable(1), enable(2), enable(3), enable(4),
                new AlarmChange("VEHICLE_ALARM", false, vin(5)), enable(6));
        // The failure is in before any other state is.
        sns.holdEachCall(subscriptionArn -> {
            if (!subscriptionArn.equals(broken)) {
                awaitAnswered(broken);
            }
        });

        assertThatThrownBy(() -> subscriptions.update(ALICE, EMAIL, changes))
                .isInstanceOf(NotificationFailedException.class)
                .hasMessage("could not change the subscription for VEHICLE_ALARM of " + vin(3)
                        + "; earlier changes were kept, retry the call")
                .cause().isInstanceOf(NotificationFailedException.class)
                .hasMessage("could not read the state of a subscription; retry later")
                .cause().isInstanceOf(InternalErrorException.class).hasMessageContaining(broken);

        assertThat(directory.subscribed).containsExactly(FakeSnsClient.arnOf(topic(0)), FakeSnsClient.arnOf(topic(1)));
        assertThat(directory.unsubscribed).isEmpty();
        assertThat(rowArn(0)).isNotEqualTo(gone).isEqualTo(FakeSnsClient.arnOf(topic(0)) + ":new");
        assertThat(rowArn(1)).isNotNull();
        assertThat(rowArn(4)).isEqualTo(goneAfter);
        assertThat(rowArn(5)).isEqualTo(toDisable);
        assertThat(rowArn(6)).isNull();
    }

    @Test
    void aSingleLookupThatFailsOnTheCallersThreadFailsTheCallAtItsChange() {
        String broken = row(0, "broken");
        String toDisable = row(2, "confirmed");
        List<Thread> threads = new CopyOnWriteArrayList<>();
        sns.holdEachCall(subscriptionArn -> threads.add(Thread.currentThread()));

        assertThatThrownBy(() -> subscriptions.update(ALICE, EMAIL, List.of(enable(1), enable(0),
                new AlarmChange("VEHICLE_ALARM", false, vin(2)))))
                .isInstanceOf(NotificationFailedException.class)
                .hasMessage("could not change the subscription for VEHICLE_ALARM of " + vin(0)
                        + "; earlier changes were kept, retry the call")
                .cause().isInstanceOf(NotificationFailedException.class)
                .hasMessage("could not read the state of a subscription; retry later")
                .cause().isInstanceOf(InternalErrorException.class).hasMessageContaining(broken);

        assertThat(threads).containsExactly(Thread.currentThread());
        assertThat(directory.subscribed).containsExactly(FakeSnsClient.arnOf(topic(1)));
        assertThat(rowArn(0)).isEqualTo(broken);
        assertThat(directory.unsubscribed).isEmpty();
        assertThat(rowArn(2)).isEqualTo(toDisable);
    }

    @Test
    void aFailedSubscribeCancelsTheHeldLookupsAndLeavesThePoolUsable() throws InterruptedException {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < BOUND + 2; i++) {
            arns.add(row(i, "confirmed"));
        }
        int failing = BOUND + 5;
        CountDownLatch inFlight = new CountDownLatch(BOUND);
        CountDownLatch release = new CountDownLatch(1);
        List<String> released = new CopyOnWriteArrayList<>();
        // Every lookup is held until the end of the test; the subscribe fails once all the pool's threads hold one.
        sns.holdEachCall(subscriptionArn -> {
            inFlight.countDown();
            release.await();
            released.add(subscriptionArn);
        });
        directory.failingTopicArn = FakeSnsClient.arnOf(topic(failing));
        directory.beforeFailing = topicArn -> {
            if (!inFlight.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("fewer than " + BOUND + " lookups were ever in flight");
            }
        };
        List<AlarmChange> changes = new ArrayList<>(List.of(enable(failing)));
        IntStream.range(0, BOUND + 2).mapToObj(i -> enable(i)).forEach(changes::add);

        try {
            assertThatThrownBy(() -> subscriptions.update(ALICE, EMAIL, changes))
                    .isInstanceOf(NotificationFailedException.class)
                    .hasMessage("could not change the subscription for VEHICLE_ALARM of " + vin(failing)
                            + "; earlier changes were kept, retry the call")
                    .cause().isInstanceOf(InternalErrorException.class)
                    .hasMessageContaining(FakeSnsClient.arnOf(topic(failing)));
            // Still held, so these end only because the failed call interrupted them.
            for (String started : arns.subList(0, BOUND)) {
                if (!sns.awaitAnswered(started, WAIT)) {
                    throw new AssertionError(started + " is still held: the failed call did not cancel its lookups");
                }
            }
        } finally {
            release.countDown();
        }
        assertThat(released).as("no held lookup was answered").isEmpty();
        assertThat(sns.asked()).as("the queued lookups were never made").hasSameElementsAs(arns.subList(0, BOUND));
        assertThat(rowArn(failing)).isNull();

        sns.holdEachCall(subscriptionArn -> { });
        directory.failingTopicArn = null;
        assertThat(subscriptions.get(ALICE, EMAIL).alarms()).hasSize(BOUND + 2)
                .allSatisfy(alarm -> assertThat(alarm.status()).isEqualTo(Status.CONFIRMED));
        assertThat(subscriptions.update(ALICE, EMAIL, changes)).isTrue();
        assertThat(directory.subscribed).containsExactly(FakeSnsClient.arnOf(topic(failing)));
    }
}
