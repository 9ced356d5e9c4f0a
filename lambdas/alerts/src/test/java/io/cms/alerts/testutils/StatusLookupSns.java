package io.cms.alerts.testutils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesResponse;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * An SNS that answers only {@code GetSubscriptionAttributes}, to any number of threads at once, and
 * records which calls were made, in which order they were answered and how many were in flight at
 * most. A subscription's state is the last part of its {@link #arn ARN}: {@code confirmed},
 * {@code pending}, {@code gone} (NotFound, as SNS answers once a subscription was deleted) or
 * {@code broken} (an internal error naming the ARN). Before answering, each call runs the test's
 * {@link Hold}, so a test can make calls wait for one another (answer out of order, pile up).
 */
public final class StatusLookupSns implements SnsClient {

    /** What a call does, while in flight, before it answers. */
    @FunctionalInterface
    public interface Hold {
        void before(String subscriptionArn) throws InterruptedException;
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<String> asked = new ArrayList<>();
    private final List<String> answered = new ArrayList<>();
    private volatile Hold hold = arn -> { };

    /** The ARN of row {@code row}'s subscription in state {@code state}. */
    public static String arn(int row, String state) {
        return FakeSnsClient.ARN_PREFIX + "CMS-VEHICLE_ALARM-" + row + ":" + state;
    }

    /** Every later call runs {@code hold} before it answers. */
    public void holdEachCall(Hold hold) {
        this.hold = hold;
    }

    @Override
    public GetSubscriptionAttributesResponse getSubscriptionAttributes(GetSubscriptionAttributesRequest request) {
        String arn = request.subscriptionArn();
        synchronized (asked) {
            asked.add(arn);
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            hold.before(arn);
            return answer(arn);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted");
        } finally {
            inFlight.decrementAndGet();
            synchronized (answered) {
                answered.add(arn);
                answered.notifyAll();
            }
        }
    }

    private static GetSubscriptionAttributesResponse answer(String arn) {
        String state = arn.substring(arn.lastIndexOf(':') + 1);
        return switch (state) {
            case "confirmed", "pending" -> GetSubscriptionAttributesResponse.builder()
                    .attributes(Map.of("SubscriptionArn", arn, "PendingConfirmation", Boolean.toString(state.equals("pending"))))
                    .build();
            case "gone" -> throw (NotFoundException) NotFoundException.builder()
                    .message("Subscription does not exist").statusCode(404).build();
            case "broken" -> throw (InternalErrorException) InternalErrorException.builder()
                    .message("Internal error reading " + arn).statusCode(500).build();
            default -> throw new IllegalArgumentException("unknown state in " + arn);
        };
    }

    /** Waits until the call for {@code arn} has answered (or failed); false if it did not within {@code timeout}. */
    public boolean awaitAnswered(String arn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (answered) {
            while (!answered.contains(arn)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                answered.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** The ARNs asked about, in the order the calls came in. */
    public List<String> asked() {
        synchronized (asked) {
            return List.copyOf(asked);
        }
    }

    /** The ARNs answered (or failed), in the order the answers went out. */
    public List<String> answered() {
        synchronized (answered) {
            return List.copyOf(answered);
        }
    }

    /** The most calls that were in flight at the same time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {
    }
}
