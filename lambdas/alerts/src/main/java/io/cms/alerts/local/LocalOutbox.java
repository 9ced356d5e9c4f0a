package io.cms.alerts.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.EmailSubscription;
import io.cms.alerts.TopicDirectory;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TopicDirectory} for CMS Local: no SNS and no mail server. Topics and email subscriptions are
 * kept in {@code subscriptions.json} under the outbox directory (so a restart keeps them), and every
 * email a topic would send is written as one JSON file under {@code mail/}. There is nobody to click
 * a confirmation link locally, so subscriptions are confirmed at once.
 */
public final class LocalOutbox implements TopicDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(LocalOutbox.class);
    private static final String ARN_PREFIX = "arn:cms-local:sns:local:000000000000:";
    private static final Pattern TOPIC_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,256}$");

    /**
     * One email written to the outbox.
     *
     * @param id      unique id (also the file name without extension)
     * @param to      recipient
     * @param topic   topic name it was sent through
     * @param subject subject line
     * @param message body
     * @param sentAt  when it was written
     */
    public record OutboxEmail(String id, String to, String topic, String subject, String message, Instant sentAt) {
    }

    private record Subscription(String arn, String topic, String email) {
    }

    private final Path directory;
    private final Path mail;
    private final Path state;
    private final Clock clock;
    private final Set<String> topics = new LinkedHashSet<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    private long sequence;

    /** Opens (or creates) an outbox in {@code directory}, loading the subscriptions a previous run left. */
    public LocalOutbox(Path directory, Clock clock) {
        this.directory = directory;
        this.mail = directory.resolve("mail");
        this.state = directory.resolve("subscriptions.json");
        this.clock = clock;
        try {
            Files.createDirectories(mail);
            if (Files.exists(state)) {
                load(Json.parse(Files.readString(state, StandardCharsets.UTF_8)));
            }
            try (Stream<Path> files = Files.list(mail)) {
                sequence = files.count();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the local outbox in " + directory, e);
        }
    }

    /** The outbox directory. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized String ensureTopic(String topicName) {
        if (topicName == null || !TOPIC_NAME.matcher(topicName).matches()) {
            throw new IllegalArgumentException("invalid topic name '" + topicName + "'");
        }
        if (topics.add(topicName)) {
            save();
        }
        return ARN_PREFIX + topicName;
    }

    @Override
    public synchronized String publish(String topicArn, String subject, String message) {
        String topic = topicOf(topicArn);
        String messageId = UUID.randomUUID().toString();
        int sent = 0;
        for (Subscription subscription : subscriptions.values()) {
            if (subscription.topic().equals(topic)) {
                write(new OutboxEmail(String.format("%08d-%s", ++sequence, messageId), subscription.email(), topic,
                        subject, message, clock.instant()));
                sent++;
            }
        }
        LOG.info("local outbox: {} email(s) for topic {}", sent, topic);
        return messageId;
    }

    @Override
    public synchronized EmailSubscription subscribeEmail(String topicArn, String email) {
        String topic = topicOf(topicArn);
        for (Subscription existing : subscriptions.values()) {
            if (existing.topic().equals(topic) && existing.email().equals(email)) {
                return new EmailSubscription(existing.arn(), EmailSubscription.Status.CONFIRMED);
            }
        }
        Subscription subscription = new Subscription(topicArn + ":" + UUID.randomUUID(), topic, email);
        subscriptions.put(subscription.arn(), subscription);
        save();
        return new EmailSubscription(subscription.arn(), EmailSubscription.Status.CONFIRMED);
    }

    @Override
    public synchronized Optional<EmailSubscription.Status> status(String subscriptionArn) {
        return subscriptions.containsKey(subscriptionArn)
                ? Optional.of(EmailSubscription.Status.CONFIRMED) : Optional.empty();
    }

    @Override
    public synchronized void unsubscribe(String subscriptionArn) {
        if (subscriptions.remove(subscriptionArn) != null) {
            save();
        }
    }

    /** Every email in the outbox, oldest first. */
    public synchronized List<OutboxEmail> emails() {
        List<OutboxEmail> emails = new ArrayList<>();
        try (Stream<Path> files = Files.list(mail)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                JsonNode node = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
                emails.add(new OutboxEmail(node.path("id").asText(), node.path("to").asText(),
                        node.path("topic").asText(), node.path("subject").asText(), node.path("message").asText(),
                        Instant.parse(node.path("sentAt").asText())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local outbox", e);
        }
        return emails;
    }

    /** The emails sent to one address, oldest first. */
    public List<OutboxEmail> emailsTo(String email) {
        return emails().stream().filter(e -> e.to().equals(email)).toList();
    }

    private String topicOf(String topicArn) {
        String topic = topicArn != null && topicArn.startsWith(ARN_PREFIX) ? topicArn.substring(ARN_PREFIX.length()) : null;
        if (topic == null || !topics.contains(topic)) {
            throw new IllegalArgumentException("no such topic: " + topicArn);
        }
        return topic;
    }

    private void write(OutboxEmail email) {
        ObjectNode node = Json.object();
        node.put("id", email.id());
        node.put("to", email.to());
        node.put("topic", email.topic());
        node.put("subject", email.subject());
        node.put("message", email.message());
        node.put("sentAt", email.sentAt().toString());
        writeAtomically(mail.resolve(email.id() + ".json"), Json.write(node));
    }

    private void save() {
        ObjectNode root = Json.object();
        ArrayNode topicArray = root.putArray("topics");
        topics.forEach(topicArray::add);
        ArrayNode subs = root.putArray("subscriptions");
        subscriptions.values().forEach(s -> subs.addObject().put("arn", s.arn()).put("topic", s.topic())
                .put("email", s.email()));
        writeAtomically(state, Json.write(root));
    }

    private void load(JsonNode root) {
        root.path("topics").forEach(t -> topics.add(t.asText()));
        root.path("subscriptions").forEach(s -> subscriptions.put(s.path("arn").asText(),
                new Subscription(s.path("arn").asText(), s.path("topic").asText(), s.path("email").asText())));
    }

    private static void writeAtomically(Path target, String content) {
        try {
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
