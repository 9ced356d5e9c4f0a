package io.cms.local.broker;

import java.util.concurrent.CompletionStage;

/**
 * A local stand-in for an IoT rule: messages on a topic filter go to a handler. The broker
 * acknowledges a QoS 1 message only after the handler's stage completes, so a handler that makes
 * the message durable before completing loses nothing the broker acknowledged.
 *
 * @param name a name for logs
 * @param topicFilter the MQTT filter it matches
 * @param handler what to do with each message
 * @param deliverToSubscribers whether subscribers are meant to receive the message (true for
 *     telemetry, false for request topics such as fleet provisioning, which the topic policy lets
 *     no principal subscribe to)
 */
public record TopicRule(String name, String topicFilter, Handler handler, boolean deliverToSubscribers) {

    /** Handles one message; a failed stage is logged and the message is not acknowledged as handled. */
    @FunctionalInterface
    public interface Handler {
        CompletionStage<Void> handle(InboundMessage message);
    }

    /** MQTT topic filter matching ({@code +} one level, {@code #} the rest, including the parent). */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    public boolean matches(String topic) {
        return matches(topicFilter, topic);
    }
}
