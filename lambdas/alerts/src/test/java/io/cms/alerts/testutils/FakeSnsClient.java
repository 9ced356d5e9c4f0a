package io.cms.alerts.testutils;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.CreateTopicRequest;
import software.amazon.awssdk.services.sns.model.CreateTopicResponse;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetSubscriptionAttributesResponse;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesResponse;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sns.model.SetTopicAttributesRequest;
import software.amazon.awssdk.services.sns.model.SetTopicAttributesResponse;
import software.amazon.awssdk.services.sns.model.SubscribeRequest;
import software.amazon.awssdk.services.sns.model.SubscribeResponse;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.sns.model.UnsubscribeRequest;
import software.amazon.awssdk.services.sns.model.UnsubscribeResponse;

/**
 * An in-memory Amazon SNS behind the real {@link SnsClient} interface (no SNS emulator runs here
 * on this JDK). It keeps the behaviours the Alerts code depends on, as SNS documents them:
 * <ul>
 *   <li>CreateTopic is idempotent for identical attributes and tags, and fails with
 *       InvalidParameter when the topic exists with different ones;</li>
 *   <li>topic names are 1-256 letters, digits, '-' and '_'; subjects at most 100 characters;</li>
 *   <li>an email subscription starts pending confirmation; Subscribe answers "pending confirmation"
 *       unless ReturnSubscriptionArn is set; subscribing an address again returns its subscription;</li>
 *   <li>only confirmed subscriptions receive messages (recorded here as "emails");</li>
 *   <li>Unsubscribe of a pending subscription, or of the "pending confirmation" placeholder, fails
 *       with InvalidParameter; of an unknown ARN with NotFound;</li>
 *   <li>GetSubscriptionAttributes reports PendingConfirmation, NotFound for unknown ARNs;</li>
 *   <li>SetTopicAttributes replaces one attribute of an existing topic, GetTopicAttributes reports them
 *       (with the TopicArn), both NotFound for unknown ARNs;</li>
 *   <li>with {@link #reserializePolicies()}, a topic keeps its {@code Policy} in another serialized form
 *       than the one sent (keys sorted, indented), as SNS may: a later CreateTopic with the very policy
 *       sent then fails with "different attributes"; a Policy that is not JSON is refused.</li>
 * </ul>
 * Unused operations keep the interface's default (UnsupportedOperationException).
 */
public final class FakeSnsClient implements SnsClient {

    /** An email delivered to a confirmed subscriber. */
    public record Email(String to, String topicArn, String subject, String message) {
    }

    /** A message published to a topic. */
    public record Published(String topicArn, String subject, String message, String messageId) {
    }

    private record Topic(String arn, Map<String, String> attributes, Map<String, String> tags) {
    }

    private static final class Subscription {
        final String arn;
        final String topicArn;
        final String endpoint;
        boolean pending = true;

        Subscription(String arn, String topicArn, String endpoint) {
            this.arn = arn;
            this.topicArn = topicArn;
            this.endpoint = endpoint;
        }
    }

    /** Every topic ARN of this fake: {@code arn:aws:sns:us-east-1:123456789012:{name}}. */
    public static final String ARN_PREFIX = "arn:aws:sns:us-east-1:123456789012:";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,256}$");

    private final Map<String, Topic> topics = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private final List<Published> published = new ArrayList<>();
    private final List<Email> emails = new ArrayList<>();
    private final AtomicInteger failingPublishes = new AtomicInteger();
    private final AtomicInteger failingSubscribes = new AtomicInteger();
    private final AtomicInteger deniedGetTopicAttributes = new AtomicInteger();
    private final List<String> topicCalls = new ArrayList<>();
    private static final ObjectMapper REFORMAT = Json.MAPPER.copy()
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private int createTopicCalls;
    private boolean reserializePolicies;

    @Override
    public synchronized CreateTopicResponse createTopic(CreateTopicRequest request) {
        createTopicCalls++;
        topicCalls.add("CreateTopic");
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("Invalid parameter: Topic Name");
        }
        Map<String, String> attributes = request.hasAttributes() ? Map.copyOf(request.attributes()) : Map.of();
        Map<String, String> tags = new LinkedHashMap<>();
        if (request.hasTags()) {
            for (Tag tag : request.tags()) {
                tags.put(tag.key(), tag.value());
            }
        }
        Topic existing = topics.get(name);
        if (existing != null) {
            if (!existing.attributes().equals(attributes)) {
                throw invalid("Invalid parameter: Attributes Reason: Topic already exists with different attributes");
            }
            if (!existing.tags().equals(tags)) {
                throw invalid("Invalid parameter: Tags Reason: Topic already exists with different tags");
            }
            return CreateTopicResponse.builder().topicArn(existing.arn()).build();
        }
        Topic topic = new Topic(ARN_PREFIX + name, stored(attributes), Map.copyOf(tags));
        topics.put(name, topic);
        return CreateTopicResponse.builder().topicArn(topic.arn()).build();
    }

    @Override
    public synchronized PublishResponse publish(PublishRequest request) {
        if (failingPublishes.get() > 0) {
            failingPublishes.decrementAndGet();
            throw (InternalErrorException) InternalErrorException.builder().message("Internal error")
                    .statusCode(500).build();
        }
        Topic topic = byArn(request.topicArn());
        if (request.message() == null || request.message().isEmpty()) {
            throw invalid("Invalid parameter: Empty message");
        }
        if (request.message().getBytes(StandardCharsets.UTF_8).length > 256 * 1024) {
            throw invalid("Invalid parameter: Message too long");
        }
        if (request.subject() != null && (request.subject().length() > 100 || !request.subject().matches("[\\x20-\\x7e]+"))) {
            throw invalid("Invalid parameter: Subject");
        }
        String id = UUID.randomUUID().toString();
        published.add(new Published(topic.arn(), request.subject(), request.message(), id));
        for (Subscription s : subscriptions.values()) {
            if (s.topicArn.equals(topic.arn()) && !s.pending) {
                emails.add(new Email(s.endpoint, topic.arn(), request.subject(), request.message()));
            }
        }
        return PublishResponse.builder().messageId(id).build();
    }

    @Override
    public synchronized SubscribeResponse subscribe(SubscribeRequest request) {
        if (failingSubscribes.get() > 0) {
            failingSubscribes.decrementAndGet();
            throw (InternalErrorException) InternalErrorException.builder().message("Internal error")
                    .statusCode(500).build();
        }
        Topic topic = byArn(request.topicArn());
        if (!"email".equals(request.protocol()) || request.endpoint() == null || !request.endpoint().contains("@")) {
            throw invalid("Invalid parameter: Endpoint");
        }
        Subscription subscription = subscriptions.values().stream()
                .filter(s -> s.topicArn.equals(topic.arn()) && s.endpoint.equals(request.endpoint()))
                .findFirst().orElse(null);
        if (subscription == null) {
            subscription = new Subscription(topic.arn() + ":" + UUID.randomUUID(), topic.arn(), request.endpoint());
            subscriptions.put(subscription.arn, subscription);
        }
        boolean returnArn = Boolean.TRUE.equals(request.returnSubscriptionArn());
        String arn = subscription.pending && !returnArn ? "pending confirmation" : subscription.arn;
        return SubscribeResponse.builder().subscriptionArn(arn).build();
    }

    @Override
    public synchronized UnsubscribeResponse unsubscribe(UnsubscribeRequest request) {
        String arn = request.subscriptionArn();
        if (arn == null || !arn.startsWith("arn:")) {
            throw invalid("Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");
        }
        Subscription subscription = subscriptions.get(arn);
        if (subscription == null) {
            throw (NotFoundException) NotFoundException.builder().message("Subscription does not exist")
                    .statusCode(404).build();
        }
        if (subscription.pending) {
            throw invalid("Invalid parameter: SubscriptionArn Reason: subscription is pending confirmation");
        }
        subscriptions.remove(arn);
        return UnsubscribeResponse.builder().build();
    }

    @Override
    public synchronized GetSubscriptionAttributesResponse getSubscriptionAttributes(
            GetSubscriptionAttributesRequest request) {
        Subscription subscription = subscriptions.get(request.subscriptionArn());
        if (subscription == null) {
            throw (NotFoundException) NotFoundException.builder().message("Subscription does not exist")
                    .statusCode(404).build();
        }
        return GetSubscriptionAttributesResponse.builder().attributes(Map.of(
                "SubscriptionArn", subscription.arn, "TopicArn", subscription.topicArn,
                "Protocol", "email", "Endpoint", subscription.endpoint,
                "PendingConfirmation", Boolean.toString(subscription.pending))).build();
    }

    @Override
    public synchronized SetTopicAttributesResponse setTopicAttributes(SetTopicAttributesRequest request) {
        topicCalls.add("SetTopicAttributes " + request.attributeName());
        Topic topic = byArn(request.topicArn());
        Map<String, String> attributes = new LinkedHashMap<>(topic.attributes());
        attributes.put(request.attributeName(), request.attributeValue());
        topics.put(topic.arn().substring(ARN_PREFIX.length()), new Topic(topic.arn(), stored(attributes), topic.tags()));
        return SetTopicAttributesResponse.builder().build();
    }

    @Override
    public synchronized GetTopicAttributesResponse getTopicAttributes(GetTopicAttributesRequest request) {
        topicCalls.add("GetTopicAttributes");
        if (deniedGetTopicAttributes.get() > 0) {
            deniedGetTopicAttributes.decrementAndGet();
            throw (AuthorizationErrorException) AuthorizationErrorException.builder().statusCode(403)
                    .message("User is not authorized to perform: SNS:GetTopicAttributes on resource: "
                            + request.topicArn()).build();
        }
        Topic topic = byArn(request.topicArn());
        Map<String, String> attributes = new LinkedHashMap<>(topic.attributes());
        attributes.put("TopicArn", topic.arn());
        return GetTopicAttributesResponse.builder().attributes(attributes).build();
    }

    /** A topic as an earlier release created it, with exactly these attributes and tags. */
    public synchronized void existingTopic(String name, Map<String, String> attributes, Map<String, String> tags) {
        topics.put(name, new Topic(ARN_PREFIX + name, Map.copyOf(attributes), Map.copyOf(tags)));
    }

    @Override
    public String serviceName() {
        return "sns";
    }

    @Override
    public void close() {
    }

    // ---- test controls and observations ----

    /** The address clicks the confirmation link of every pending subscription it has on the topic. */
    public synchronized void confirm(String topicArn, String email) {
        subscriptions.values().stream().filter(s -> s.topicArn.equals(topicArn) && s.endpoint.equals(email))
                .forEach(s -> s.pending = false);
    }

    /** The address follows the unsubscribe link in an email (SNS deletes the subscription). */
    public synchronized void unsubscribeByLink(String topicArn, String email) {
        subscriptions.values().removeIf(s -> s.topicArn.equals(topicArn) && s.endpoint.equals(email));
    }

    /** From now on, topics keep their Policy attribute re-serialized: keys sorted and indented. */
    public synchronized void reserializePolicies() {
        reserializePolicies = true;
    }

    /** The next {@code count} GetTopicAttributes are denied, as for a role without the permission. */
    public void denyNextGetTopicAttributes(int count) {
        deniedGetTopicAttributes.set(count);
    }

    /** The next {@code count} publishes fail with an internal error. */
    public void failNextPublishes(int count) {
        failingPublishes.set(count);
    }

    /** The next {@code count} subscribes fail with an internal error. */
    public void failNextSubscribes(int count) {
        failingSubscribes.set(count);
    }

    public synchronized List<Email> emailsTo(String email) {
        return emails.stream().filter(e -> e.to().equals(email)).toList();
    }

    public synchronized List<Published> publishedTo(String topicArn) {
        return published.stream().filter(p -> p.topicArn().equals(topicArn)).toList();
    }

    public synchronized Map<String, String> topicAttributes(String name) {
        return Objects.requireNonNull(topics.get(name), "no topic " + name).attributes();
    }

    public synchronized Map<String, String> topicTags(String name) {
        return Objects.requireNonNull(topics.get(name), "no topic " + name).tags();
    }

    public synchronized boolean hasTopic(String name) {
        return topics.containsKey(name);
    }

    public synchronized int createTopicCalls() {
        return createTopicCalls;
    }

    /**
     * The topic requests in order since the last {@link #forgetTopicCalls()}: {@code CreateTopic},
     * {@code GetTopicAttributes}, {@code SetTopicAttributes {attribute name}}.
     */
    public synchronized List<String> topicCalls() {
        return List.copyOf(topicCalls);
    }

    public synchronized void forgetTopicCalls() {
        topicCalls.clear();
    }

    public synchronized long subscriptionCount(String topicArn) {
        return subscriptions.values().stream().filter(s -> s.topicArn.equals(topicArn)).count();
    }

    public static String arnOf(String topicName) {
        return ARN_PREFIX + topicName;
    }

    /** The attributes as this fake keeps them: the Policy re-serialized if {@link #reserializePolicies()}. */
    private Map<String, String> stored(Map<String, String> attributes) {
        Map<String, String> stored = new LinkedHashMap<>(attributes);
        String policy = stored.get("Policy");
        if (reserializePolicies && policy != null) {
            try {
                stored.put("Policy", REFORMAT.writeValueAsString(Json.MAPPER.readValue(policy, Object.class)));
            } catch (JsonProcessingException e) {
                throw invalid("Invalid parameter: Policy Error: " + e.getOriginalMessage());
            }
        }
        return Map.copyOf(stored);
    }

    private Topic byArn(String arn) {
        Topic topic = arn != null && arn.startsWith(ARN_PREFIX) ? topics.get(arn.substring(ARN_PREFIX.length())) : null;
        if (topic == null) {
            throw (NotFoundException) NotFoundException.builder().message("Topic does not exist").statusCode(404).build();
        }
        return topic;
    }

    private static InvalidParameterException invalid(String message) {
        return (InvalidParameterException) InvalidParameterException.builder().message(message).statusCode(400).build();
    }
}
