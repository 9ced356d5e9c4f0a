package io.cms.alerts;

import static io.cms.alerts.testutils.StatusLookupSns.arn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.alerts.EmailSubscription.Status;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.alerts.testutils.StatusLookupSns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sns.model.InternalErrorException;

/** {@code getUserSubscriptions} reads the subscription states concurrently, with a bounded number in flight. */
class UserSubscriptionsConcurrencyTest {

    private static final String EMAIL = "alice@example.com";
    private static final CallerIdentity ALICE = new CallerIdentity("alice-sub", null, EMAIL, Set.of(), false);
    private static final int BOUND = UserSubscriptions.STATUS_LOOKUP_CONCURRENCY;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private StatusLookupSns sns;
    private UserSubscriptions subscriptions;

    @BeforeEach
    void reset() {
        TABLES.clear();
        sns = new StatusLookupSns();
        subscriptions = new UserSubscriptions(Configs.standard(), TABLES.subscriptions(), new SnsTopicDirectory(sns,
                new SnsTopicDirectory.TopicSettings("alias/k", "u", FakeSnsClient.ARN_PREFIX)));
    }

    /** Row {@code i} (rows list in topic order, which is {@code i}'s order) with this subscription ARN. */
    private void row(int i, String subscriptionArn) {
        TABLES.subscriptions().put(new SubscriptionStore.Row(EMAIL, String.format("CMS-VEHICLE_ALARM-%03d", i),
                subscriptionArn, String.format("VIN%03d", i), "VEHICLE_ALARM"));
    }

    private void awaitAnswered(String arn) throws InterruptedException {
        if (!sns.awaitAnswered(arn, WAIT)) {
            throw new IllegalStateException(arn + " was not answered: the lookups do not run concurrently");
        }
    }

    @Test
    void theAlarmsKeepTheRowOrderAndStatesWhenSnsAnswersOutOfOrder() {
        String[] states = {"confirmed", "pending", "gone"};
        List<String> arns = new ArrayList<>();
        List<Status> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String state = states[i % 3];
            arns.add(arn(i, state));
            expected.add(switch (state) {
                case "confirmed" -> Status.CONFIRMED;
                case "pending" -> Status.PENDING_CONFIRMATION;
                default -> Status.UNSUBSCRIBED;
            });
            row(i, arns.get(i));
        }
        row(40, "pending confirmation");
        expected.add(Status.PENDING_CONFIRMATION);
        // The first BOUND rows answer last to first: each waits for the answer of the next.
        sns.holdEachCall(arn -> {
            int i = arns.indexOf(arn);
            if (i < BOUND - 1) {
                awaitAnswered(arns.get(i + 1));
            }
        });

        UserSubscriptions.UserPreference preference = subscriptions.get(ALICE, EMAIL);

        assertThat(preference.alarms()).extracting(UserSubscriptions.AlarmView::vin)
                .containsExactlyElementsOf(IntStream.rangeClosed(0, 40).mapToObj(i -> String.format("VIN%03d", i)).toList());
        assertThat(preference.alarms()).extracting(UserSubscriptions.AlarmView::status).containsExactlyElementsOf(expected);
        assertThat(preference.emailEnabled()).isTrue();
        List<String> answered = sns.answered();
        assertThat(IntStream.range(0, BOUND).mapToObj(i -> answered.indexOf(arns.get(i))).toList())
                .as("the first rows were answered last to first").isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        assertThat(sns.asked()).hasSameElementsAs(arns);
    }

    @Test
    void atMostTheBoundOfLookupsIsInFlightAtOnce() {
        for (int i = 0; i < 100; i++) {
            row(i, arn(i, "confirmed"));
        }
        CountDownLatch full = new CountDownLatch(BOUND);
        CountDownLatch overshoot = new CountDownLatch(BOUND + 1);
        // Every call waits until BOUND are in flight, then gives one more call a moment to start.
        sns.holdEachCall(arn -> {
            full.countDown();
            overshoot.countDown();
            if (!full.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("fewer than " + BOUND + " lookups ever ran at once");
            }
            overshoot.await(100, TimeUnit.MILLISECONDS);
        });

        UserSubscriptions.UserPreference preference = subscriptions.get(ALICE, EMAIL);

        assertThat(preference.alarms()).hasSize(100).allSatisfy(a -> assertThat(a.status()).isEqualTo(Status.CONFIRMED));
        assertThat(sns.asked()).hasSize(100);
        assertThat(sns.maxInFlight()).isEqualTo(BOUND);
    }

    @Test
    void repeatedCallsReuseTheLookupThreads() {
        for (int i = 0; i < 40; i++) {
            row(i, arn(i, "confirmed"));
        }
        Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        sns.holdEachCall(arn -> threads.add(Thread.currentThread()));

        for (int call = 0; call < 3; call++) {
            assertThat(subscriptions.get(ALICE, EMAIL).alarms()).hasSize(40);
        }

        assertThat(threads).as("one pool for every call, not one per call").hasSizeLessThanOrEqualTo(BOUND)
                .allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
    }

    @Test
    void aFailingLookupFailsTheCallWithTheFirstFailingRowsErrorAndStartsNoFurtherLookups() {
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            arns.add(arn(i, i == 3 || i == 10 ? "broken" : "confirmed"));
            row(i, arns.get(i));
        }
        CountDownLatch release = new CountDownLatch(1);
        // Row 10 fails first; row 3 fails after it; every row after 3 but 10 stays in flight until released.
        sns.holdEachCall(arn -> {
            int i = arns.indexOf(arn);
            if (i == 3) {
                awaitAnswered(arns.get(10));
            } else if (i > 3 && i != 10) {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });

        try {
            assertThatThrownBy(() -> subscriptions.get(ALICE, EMAIL))
                    .isInstanceOf(NotificationFailedException.class)
                    .hasMessage("could not read the state of a subscription; retry later")
                    .cause().isInstanceOf(InternalErrorException.class).hasMessageContaining(arns.get(3));
            // Threads freed by rows 0-3 and 10 may have started 5 more; the other rows are never asked about.
            assertThat(sns.asked()).hasSizeLessThanOrEqualTo(BOUND + 5).doesNotContainAnyElementsOf(arns.subList(BOUND + 5, 40));
        } finally {
            release.countDown();
        }
    }

    @Test
    void rowsSharingTheLegacyPendingMarkerEachGetTheirOwnState() {
        row(0, "pending confirmation");
        row(1, arn(1, "gone"));
        row(2, "pending confirmation");
        row(3, arn(3, "confirmed"));

        assertThat(subscriptions.get(ALICE, EMAIL).alarms()).extracting(UserSubscriptions.AlarmView::status)
                .containsExactly(Status.PENDING_CONFIRMATION, Status.UNSUBSCRIBED, Status.PENDING_CONFIRMATION,
                        Status.CONFIRMED);
        assertThat(sns.asked()).containsExactlyInAnyOrder(arn(1, "gone"), arn(3, "confirmed"));

        TABLES.clear();
        row(0, "pending confirmation");
        row(1, "pending confirmation");
        assertThat(subscriptions.get(ALICE, EMAIL).alarms()).extracting(UserSubscriptions.AlarmView::status)
                .containsExactly(Status.PENDING_CONFIRMATION, Status.PENDING_CONFIRMATION);
    }
}
