package io.cms.connectstore.telemetry;

import java.util.Arrays;

/**
 * One validated telemetry message: the envelope and the catalog signals' typed values, aligned with
 * {@code VssCatalog.signals()} ({@code null} = not reported). Values are {@link Boolean},
 * {@link String}, {@link Integer}, {@link Long}, {@link Float}, {@link Double} or a
 * {@code List<String>}, following the signal's datatype.
 */
public final class Telemetry {

    private final String topic;
    private final String vin;
    private final long timestamp;
    private final long receivedAt;
    private final Object[] values;
    private final boolean singleLine;

    Telemetry(String topic, String vin, long timestamp, long receivedAt, Object[] values, boolean singleLine) {
        this.singleLine = singleLine;
        this.topic = topic;
        this.vin = vin;
        this.timestamp = timestamp;
        this.receivedAt = receivedAt;
        this.values = values;
    }

    /**
     * Whether the payload bytes are one line without a byte-order mark, so an NDJSON file can take
     * them as they are (found while parsing, so the lake writer need not scan them again).
     */
    public boolean singleLine() {
        return singleLine;
    }

    /** The MQTT topic the message came on. */
    public String topic() {
        return topic;
    }

    public String vin() {
        return vin;
    }

    /** Measurement time, epoch ms UTC (the payload's {@code timestamp}, else the receive time). */
    public long timestamp() {
        return timestamp;
    }

    /** Receive time, epoch ms UTC. */
    public long receivedAt() {
        return receivedAt;
    }

    /** The value of catalog signal {@code index}, or null. */
    public Object value(int index) {
        return values[index];
    }

    /** How many catalog signals there are (reported or not). */
    public int size() {
        return values.length;
    }

    /** How many signals the message reported. */
    public int reported() {
        int n = 0;
        for (Object v : values) {
            if (v != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "Telemetry[vin=" + vin + ", ts=" + timestamp + ", values=" + Arrays.toString(values) + "]";
    }
}
