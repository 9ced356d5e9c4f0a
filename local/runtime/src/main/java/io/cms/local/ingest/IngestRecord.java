package io.cms.local.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A telemetry message as the ingest journal keeps it: receive time, topic and payload, in a small
 * binary frame ({@code [receivedAt:long][topicLength:short][topic][payload]}).
 *
 * @param receivedAt when the broker received it, epoch ms
 * @param topic the MQTT topic
 * @param payload the message bytes
 */
public record IngestRecord(long receivedAt, String topic, byte[] payload) {

    /** The journal frame. */
    public byte[] encode() {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        if (t.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("topic longer than " + Short.MAX_VALUE + " bytes");
        }
        return ByteBuffer.allocate(8 + 2 + t.length + payload.length)
                .putLong(receivedAt).putShort((short) t.length).put(t).put(payload).array();
    }

    /** Reads a frame written by {@link #encode()}. */
    public static IngestRecord decode(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (b.remaining() < 10) {
            throw new IllegalArgumentException("ingest frame of " + frame.length + " bytes is too short");
        }
        long receivedAt = b.getLong();
        int topicLength = b.getShort();
        if (topicLength < 0 || topicLength > b.remaining()) {
            throw new IllegalArgumentException("ingest frame has a bad topic length " + topicLength);
        }
        byte[] t = new byte[topicLength];
        b.get(t);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new IngestRecord(receivedAt, new String(t, StandardCharsets.UTF_8), payload);
    }
}
