package io.cms.alerts;

import io.cms.alerts.CallerIdentity.Emails;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Vin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code getUserSubscriptions} and {@code updateUserSubscriptions}. Every call is owner-checked: a
 * caller reads or changes only the subscriptions of their own email (from the authorizer) unless
 * they hold an admin scope; the original let any authenticated caller manage anyone's.
 */
public final class UserSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(UserSubscriptions.class);

    /**
     * Most subscription states {@code getUserSubscriptions} and {@code updateUserSubscriptions} read from
     * SNS at once (one {@code GetSubscriptionAttributes} call each), on one pool shared by both: at about
     * 50 ms a call, the {@value AlertsConfig#MAX_LISTABLE_SUBSCRIPTIONS} rows of a full email take about
     * 2 s instead of 25 s.
     */
    public static final int STATUS_LOOKUP_CONCURRENCY = 16;

    private static final String STATUS_FAILED = "could not read the state of a subscription; retry later";

    /** Daemon threads, so neither an idle lookup thread nor one still in flight after a failure holds the JVM. */
    private static final ThreadFactory LOOKUP_THREADS = new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "subscription-status-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    };

    /**
     * One requested change.
     *
     * @param alarmType    alarm type
     * @param emailEnabled true to subscribe, false to unsubscribe
     * @param vin          vehicle
     */
    public record AlarmChange(String alarmType, boolean emailEnabled, String vin) {
    }

    /**
     * One subscribed alarm as reported to the user.
     *
     * @param vin       vehicle
     * @param alarmType alarm type
     * @param status    confirmation state of the email subscription
     */
    public record AlarmView(String vin, String alarmType, EmailSubscription.Status status) {
    }

    /**
     * The answer of {@code getUserSubscriptions}.
     *
     * @param email        the (normalised) email
     * @param emailEnabled whether any alarm is still set to email this address
     * @param alarms       the alarms with email enabled
     */
    public record UserPreference(String email, boolean emailEnabled, List<AlarmView> alarms) {
    }

    private final AlertsConfig config;
    private final SubscriptionStore store;
    private final TopicDirectory topics;
    /** Reused by every call; idle threads end after a minute, so an unused instance holds none. */
    private final ThreadPoolExecutor lookups = new ThreadPoolExecutor(STATUS_LOOKUP_CONCURRENCY, STATUS_LOOKUP_CONCURRENCY,
            1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), LOOKUP_THREADS);

    public UserSubscriptions(AlertsConfig config, SubscriptionStore store, TopicDirectory topics) {
        this.config = config;
        this.store = store;
        this.topics = topics;
        lookups.allowCoreThreadTimeOut(true);
    }

    /**
     * The subscriptions of {@code email}, with each one's confirmation state, read at most
     * {@link #STATUS_LOOKUP_CONCURRENCY} at a time. A failed lookup fails the call as it did when the rows
     * were read one after another: the error is that of the first failing row in row order, and lookups
     * not yet started are not made.
     */
    public UserPreference get(CallerIdentity caller, String email) {
        String owner = Emails.normalise(email);
        caller.requireMayManage(owner);
        List<SubscriptionStore.Row> rows = store.byEmail(owner);
        List<AlarmView> alarms = new ArrayList<>(rows.size());
        try (StatusLookups states = new StatusLookups(rows.stream().map(SubscriptionStore.Row::subscriptionArn).toList())) {
            for (SubscriptionStore.Row row : rows) {
                alarms.add(new AlarmView(row.vin(), row.alarmType(), states.get(row.subscriptionArn())));
            }
        }
        boolean enabled = alarms.stream().anyMatch(a -> a.status() != EmailSubscription.Status.UNSUBSCRIBED);
        return new UserPreference(owner, enabled, alarms);
    }

    /**
     * Applies the changes. Every change is validated before any is applied; each applied change is
     * written to the table right after SNS accepted it, so a failure part-way leaves table and SNS
     * in agreement and the call can simply be repeated. The states of the subscriptions to enable
     * again are read concurrently up front, but each is waited for only when its change is applied, so a
     * failed read fails the call at that change, exactly as when they were read one after another.
     */
    public boolean update(CallerIdentity caller, String email, List<AlarmChange> changes) {
        String owner = Emails.normalise(email);
        caller.requireMayManage(owner);
        Map<String, AlarmChange> byTopic = validate(changes);
        Map<String, SubscriptionStore.Row> existing = store.byEmail(owner).stream()
                .collect(Collectors.toMap(SubscriptionStore.Row::topicKey, Function.identity()));
        requireWithinCap(existing, byTopic);
        // The rows of the enabled alarms, in change order: the only changes that read a state.
        List<String> toCheck = byTopic.entrySet().stream()
                .filter(entry -> entry.getValue().emailEnabled() && existing.containsKey(entry.getKey()))
                .map(entry -> existing.get(entry.getKey()).subscriptionArn()).toList();
        try (StatusLookups states = new StatusLookups(toCheck)) {
            for (Map.Entry<String, AlarmChange> entry : byTopic.entrySet()) {
                String topic = entry.getKey();
                AlarmChange change = entry.getValue();
                SubscriptionStore.Row row = existing.get(topic);
                try {
                    apply(owner, topic, change, row, () -> states.get(row.subscriptionArn()));
                } catch (BadInputException | AccessDeniedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error("could not change subscription of topic {}", topic, e);
                    throw new NotificationFailedException("could not change the subscription for " + change.alarmType()
                            + " of " + change.vin() + "; earlier changes were kept, retry the call", e);
                }
            }
        }
        return true;
    }

    /**
     * Applies one change of {@link #update}: an enabled alarm is subscribed unless it has a row whose
     * {@code state} (asked for only then) is still subscribed; a disabled alarm with a row is unsubscribed
     * (when the row holds an ARN) and its row deleted.
     */
    private void apply(String owner, String topic, AlarmChange change, SubscriptionStore.Row row,
            Supplier<EmailSubscription.Status> state) {
        if (!change.emailEnabled()) {
            if (row != null) {
                if (row.subscriptionArn() != null && row.subscriptionArn().startsWith("arn:")) {
                    topics.unsubscribe(row.subscriptionArn());
                }
                store.delete(owner, topic);
            }
            return;
        }
        if (row != null && state.get() != EmailSubscription.Status.UNSUBSCRIBED) {
            return;
        }
        String topicArn = topics.ensureTopic(topic);
        EmailSubscription subscription = topics.subscribeEmail(topicArn, owner);
        store.put(new SubscriptionStore.Row(owner, topic, subscription.arn(), change.vin(), change.alarmType()));
    }

    /**
     * Refuses, before any topic is created, a call after which the email would hold more than
     * {@link AlertsConfig#maxSubscriptionsPerEmail()} rows (the message names the counts, not the email): the existing rows, plus the enabled alarms
     * without a row, minus the disabled alarms with one (so swapping a vehicle at the cap is allowed).
     */
    private void requireWithinCap(Map<String, SubscriptionStore.Row> existing,
            Map<String, AlarmChange> byTopic) {
        int added = 0;
        int removed = 0;
        for (Map.Entry<String, AlarmChange> entry : byTopic.entrySet()) {
            boolean hasRow = existing.containsKey(entry.getKey());
            if (entry.getValue().emailEnabled() && !hasRow) {
                added++;
            } else if (!entry.getValue().emailEnabled() && hasRow) {
                removed++;
            }
        }
        int cap = config.maxSubscriptionsPerEmail();
        if (added > 0 && existing.size() + added - removed > cap) {
            throw new BadInputException("the email has " + existing.size() + " subscriptions; this call would add "
                    + added + (removed > 0 ? " and remove " + removed : "") + ", but at most " + cap
                    + " are allowed per email; disable some alarms first");
        }
    }

    private Map<String, AlarmChange> validate(List<AlarmChange> changes) {
        if (changes == null) {
            throw new BadInputException("alarms must be a list");
        }
        if (changes.size() > config.maxAlarmsPerRequest()) {
            throw new BadInputException("at most " + config.maxAlarmsPerRequest() + " alarms may be changed per call");
        }
        Map<String, AlarmChange> byTopic = new LinkedHashMap<>();
        for (AlarmChange change : changes) {
            if (change == null) {
                throw new BadInputException("alarms must not contain null");
            }
            String vin = Vin.require(change.vin());
            String type = config.requireAlarmType(change.alarmType());
            AlarmChange previous = byTopic.put(config.topicName(type, vin), change);
            if (previous != null && previous.emailEnabled() != change.emailEnabled()) {
                throw new BadInputException("alarm " + type + " of " + vin + " is both enabled and disabled");
            }
        }
        return byTopic;
    }

    /**
     * The states of some subscriptions, keyed by subscription ARN, all started at once on the shared
     * {@link #lookups} pool (when there is only one distinct ARN, it is read on the caller's thread, when
     * asked for). {@link #get} waits for one; a failed lookup fails only the {@code get} of its own ARN.
     * Closing drops the lookups not yet started.
     */
    private final class StatusLookups implements AutoCloseable {
        private final Map<String, Future<EmailSubscription.Status>> pending = new LinkedHashMap<>();
        private final boolean onCallerThread;

        StatusLookups(List<String> subscriptionArns) {
            onCallerThread = new HashSet<>(subscriptionArns).size() <= 1;
            try {
                for (String subscriptionArn : subscriptionArns) {
                    pending.computeIfAbsent(subscriptionArn, arn -> onCallerThread
                            ? new FutureTask<>(() -> lookUp(arn))
                            : lookups.submit(() -> lookUp(arn)));
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        /** The state of subscription {@code subscriptionArn}, waiting for its lookup. */
        EmailSubscription.Status get(String subscriptionArn) {
            Future<EmailSubscription.Status> lookup = pending.get(subscriptionArn);
            if (lookup == null) {
                throw new IllegalStateException("no state lookup was started for subscription " + subscriptionArn);
            }
            if (onCallerThread) {
                ((FutureTask<EmailSubscription.Status>) lookup).run(); // a no-op once it ran
            }
            return await(lookup);
        }

        /**
         * Drops the lookups not yet started, then interrupts those in flight (none after every one was read):
         * last first, so a thread freed by an interrupt finds only cancelled lookups queued. The threads stay
         * for the next call.
         */
        @Override
        public void close() {
            List<Future<EmailSubscription.Status>> started = new ArrayList<>(pending.values());
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).cancel(true);
            }
        }
    }

    private static EmailSubscription.Status await(Future<EmailSubscription.Status> lookup) {
        try {
            return lookup.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new NotificationFailedException(STATUS_FAILED, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotificationFailedException(STATUS_FAILED, e);
        }
    }

    /** The state of one subscription; a failure of SNS is thrown as is. */
    private EmailSubscription.Status lookUp(String subscriptionArn) {
        if (subscriptionArn == null || !subscriptionArn.startsWith("arn:")) {
            // Rows written by the original hold "pending confirmation" instead of an ARN.
            return EmailSubscription.Status.PENDING_CONFIRMATION;
        }
        return topics.status(subscriptionArn).orElse(EmailSubscription.Status.UNSUBSCRIBED);
    }
}
