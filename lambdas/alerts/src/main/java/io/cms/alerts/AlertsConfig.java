package io.cms.alerts;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.Printable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated configuration of the Alerts module, read once from the environment.
 *
 * @param topicPrefix         prefix of every per-VIN-and-type topic ({@code SNS_TOPIC_PREFIX}, default {@code CMS})
 * @param alarmTypes          the alarm types callers may use ({@code ALARM_TYPES}, comma-separated,
 *                            default {@code VEHICLE_ALARM,EV_BATTERY_HEALTH_ALARM})
 * @param adminScopes         scopes that let a caller manage anyone's subscriptions ({@code ADMIN_SCOPES},
 *                            comma-separated, default none: nobody is an administrator)
 * @param maxMessageLength    longest accepted alert message ({@code MAX_MESSAGE_LENGTH}, default 2048)
 * @param retention           how long a notification is kept before DynamoDB TTL removes it
 *                            ({@code NOTIFICATION_RETENTION_DAYS}, default 90)
 * @param maxAlarmsPerRequest most alarms one {@code updateUserSubscriptions} call may carry (50)
 * @param maxSubscriptionsPerEmail most subscription rows one email may hold ({@code MAX_SUBSCRIPTIONS_PER_EMAIL},
 *                            1..{@value #MAX_LISTABLE_SUBSCRIPTIONS}, default
 *                            {@value #DEFAULT_MAX_SUBSCRIPTIONS_PER_EMAIL})
 */
public record AlertsConfig(String topicPrefix, Set<String> alarmTypes, Set<String> adminScopes,
        int maxMessageLength, Duration retention, int maxAlarmsPerRequest, int maxSubscriptionsPerEmail) {

    /**
     * Default of the most subscriptions (VIN and alarm type pairs) one email may hold. Every new VIN
     * creates an SNS topic, so without a bound one user could exhaust the account's topic quota; it also
     * keeps {@code getUserSubscriptions} (one SNS lookup per subscription, run concurrently) well within
     * AppSync's 30 s.
     */
    public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_EMAIL = 200;

    /**
     * The largest {@code MAX_SUBSCRIPTIONS_PER_EMAIL}. {@code getUserSubscriptions} makes one SNS
     * {@code GetSubscriptionAttributes} call per row and must answer within AppSync's 30 s, or an email
     * could no longer list its subscriptions to disable some. The calls run concurrently, at most
     * {@value UserSubscriptions#STATUS_LOOKUP_CONCURRENCY} at a time (at about 50 ms a call, 500 rows take
     * some 2 s; one after another they took some 25 s, which is what set this bound). The bound stays:
     * it also limits the SNS topics one user can have created (every new VIN creates one).
     */
    public static final int MAX_LISTABLE_SUBSCRIPTIONS = 500;

    /** The most SNS accepts in one published message: 256 KiB of UTF-8. */
    public static final int SNS_MAX_MESSAGE_BYTES = 256 * 1024;

    /** Default alarm types, as in the original. */
    public static final List<String> DEFAULT_ALARM_TYPES = List.of("VEHICLE_ALARM", "EV_BATTERY_HEALTH_ALARM");

    private static final Pattern PREFIX = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern ALARM_TYPE = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");

    public AlertsConfig {
        if (topicPrefix == null || !PREFIX.matcher(topicPrefix).matches()) {
            throw new ConfigurationException("SNS_TOPIC_PREFIX must be 1-64 letters, digits, '-' or '_' (got '"
                    + topicPrefix + "')");
        }
        if (alarmTypes == null || alarmTypes.isEmpty()) {
            throw new ConfigurationException("ALARM_TYPES must name at least one alarm type");
        }
        for (String type : alarmTypes) {
            if (!ALARM_TYPE.matcher(type).matches()) {
                throw new ConfigurationException("ALARM_TYPES entry '" + type
                        + "' must be upper-case letters, digits and '_' (a GraphQL enum value)");
            }
        }
        if (maxMessageLength < 1 || maxMessageLength > 100_000) {
            throw new ConfigurationException("MAX_MESSAGE_LENGTH must be within 1..100000");
        }
        if (maxAlarmsPerRequest < 1) {
            throw new ConfigurationException("maxAlarmsPerRequest must be positive (got " + maxAlarmsPerRequest + ")");
        }
        if (maxSubscriptionsPerEmail < 1 || maxSubscriptionsPerEmail > MAX_LISTABLE_SUBSCRIPTIONS) {
            throw new ConfigurationException("MAX_SUBSCRIPTIONS_PER_EMAIL must be within 1.." + MAX_LISTABLE_SUBSCRIPTIONS
                    + " (the most getUserSubscriptions can list within AppSync's 30 s), got " + maxSubscriptionsPerEmail);
        }
        alarmTypes = Set.copyOf(new LinkedHashSet<>(alarmTypes));
        adminScopes = Set.copyOf(adminScopes);
    }

    /** Reads the configuration from the environment. */
    public static AlertsConfig from(EnvConfig env) {
        return new AlertsConfig(
                env.optional("SNS_TOPIC_PREFIX", "CMS"),
                new LinkedHashSet<>(env.list("ALARM_TYPES", DEFAULT_ALARM_TYPES)),
                new LinkedHashSet<>(env.list("ADMIN_SCOPES", List.of())),
                env.integer("MAX_MESSAGE_LENGTH", 2048, 1, 100_000),
                Duration.ofDays(env.integer("NOTIFICATION_RETENTION_DAYS", 90, 1, 3650)),
                50,
                env.integer("MAX_SUBSCRIPTIONS_PER_EMAIL", DEFAULT_MAX_SUBSCRIPTIONS_PER_EMAIL, 1,
                        MAX_LISTABLE_SUBSCRIPTIONS));
    }

    /** Returns the alarm type if it is configured, otherwise throws a caller-facing error. */
    public String requireAlarmType(String alarmType) {
        if (alarmType == null || !alarmTypes.contains(alarmType)) {
            throw new BadInputException("alarmType must be one of " + alarmTypes.stream().sorted().toList()
                    + (alarmType == null ? "" : " (got '" + Printable.clip(alarmType, 64) + "')"));
        }
        return alarmType;
    }

    /**
     * Returns the message if it is non-blank, within the length bound and, in UTF-8, within what SNS
     * accepts: {@code MAX_MESSAGE_LENGTH} counts characters, SNS counts bytes (up to four per character).
     */
    public String requireMessage(String message) {
        if (message == null || message.isBlank()) {
            throw new BadInputException("message must not be empty");
        }
        if (message.length() > maxMessageLength) {
            throw new BadInputException("message is " + message.length() + " characters; at most "
                    + maxMessageLength + " are allowed");
        }
        requireFitsSns("message", message);
        return message;
    }

    /**
     * Throws a caller-facing error unless {@code text} fits in one SNS message, so an oversized text is
     * refused up front instead of failing (as a retryable error) when it is published.
     */
    static void requireFitsSns(String what, String text) {
        int bytes = utf8Length(text);
        if (bytes > SNS_MAX_MESSAGE_BYTES) {
            throw new BadInputException(what + " is " + bytes + " bytes in UTF-8; SNS accepts at most "
                    + SNS_MAX_MESSAGE_BYTES + " bytes (256 KiB) per message");
        }
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The topic name of one VIN and alarm type: {@code {prefix}-{alarmType}-{vin}}. */
    public String topicName(String alarmType, String vin) {
        return topicPrefix + "-" + alarmType + "-" + vin;
    }
}
