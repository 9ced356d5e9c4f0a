package io.cms.vss;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The AWS IoT rule SQL of the AWS lake path, derived from the catalog like every other schema.
 *
 * <p>Firehose converts JSON to Parquet by matching top-level JSON keys to the Glue columns, so the
 * rule that feeds the Parquet stream flattens a message into exactly one key per lake column
 * ({@code Vehicle.Speed AS vehicle_speed}); the raw rule forwards the message as sent with the
 * envelope fields added. The VIN comes from the topic ({@code cms/data/{vin}/...}), which the
 * vehicle policy limits to the vehicle's own.
 */
public final class IotRuleSql {

    /** The telemetry topic filter. */
    public static final String DATA_TOPIC_FILTER = "cms/data/#";
    /** Field added to a raw record: the MQTT topic. */
    public static final String RAW_TOPIC = "_topic";
    /** Field added to a raw record: receive time, epoch ms. */
    public static final String RAW_RECEIVED_AT = "_received_at";
    /** Field added to a raw record: measurement time, epoch ms (partitions the raw copy like the Parquet row). */
    public static final String RAW_TS = "_ts";

    /**
     * The measurement time: the payload's {@code timestamp} when present, otherwise the receive
     * time (as the lake writer does for a message without one).
     */
    static final String TS_EXPRESSION = "CASE isUndefined(timestamp) WHEN true THEN timestamp() ELSE timestamp END";

    /** Segments the IoT SQL grammar would read as keywords rather than field names. */
    private static final Set<String> RESERVED = Set.of("select", "from", "where", "as", "and", "or", "not", "case",
            "when", "then", "else", "end", "true", "false", "null", "set", "value", "like");

    private IotRuleSql() {
    }

    /**
     * {@code SELECT topic(3) AS vin, <ts> AS ts, timestamp() AS received_at, Vehicle.Speed AS
     * vehicle_speed, ... FROM 'cms/data/#'}: one key per lake column, in file order.
     */
    public static String lakeRow(LakeSchema schema) {
        List<String> items = new ArrayList<>();
        items.add("topic(3) AS " + LakeSchema.VIN);
        items.add(TS_EXPRESSION + " AS " + LakeSchema.TS);
        items.add("timestamp() AS " + LakeSchema.RECEIVED_AT);
        for (Signal s : schema.catalog().signals()) {
            for (String segment : s.segments()) {
                if (RESERVED.contains(segment.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException("signal " + s.path() + " has the segment '" + segment
                            + "', an IoT SQL keyword");
                }
            }
            items.add(s.path() + " AS " + LakeSchema.column(s.path()));
        }
        return "SELECT " + String.join(", ", items) + " FROM '" + DATA_TOPIC_FILTER + "'";
    }

    /** {@code SELECT *, topic() AS _topic, timestamp() AS _received_at, <ts> AS _ts FROM 'cms/data/#'}. */
    public static String raw() {
        return "SELECT *, topic() AS " + RAW_TOPIC + ", timestamp() AS " + RAW_RECEIVED_AT + ", " + TS_EXPRESSION
                + " AS " + RAW_TS + " FROM '" + DATA_TOPIC_FILTER + "'";
    }

    /**
     * The Firehose dynamic-partitioning JQ query (JQ 1.6) giving {@code year, month, day, hour} of
     * the epoch-ms field {@code field} in UTC, as unpadded integers like {@code LakeLayout}
     * ({@code gmtime} months count from 0).
     */
    public static String partitionQuery(String field) {
        String t = "(." + field + " / 1000 | floor | gmtime)";
        return "{year: (" + t + " | .[0] | tostring), month: (" + t + " | .[1] + 1 | tostring), day: (" + t
                + " | .[2] | tostring), hour: (" + t + " | .[3] | tostring)}";
    }

    /** The S3 prefix of the partition keys the JQ query extracts: {@code year=…/month=…/day=…/hour=…/}. */
    public static String partitionPrefix() {
        StringBuilder out = new StringBuilder();
        for (String key : LakeSchema.PARTITION_KEYS) {
            out.append(key).append("=!{partitionKeyFromQuery:").append(key).append("}/");
        }
        return out.toString();
    }
}
