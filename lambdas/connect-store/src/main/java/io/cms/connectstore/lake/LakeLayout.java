package io.cms.connectstore.lake;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one key layout of the lake, identical on S3 and on local disk:
 *
 * <pre>
 * raw/year=Y/month=M/day=D/hour=H/{batch}.json.gz          accepted messages, NDJSON, gzip
 * parquet/year=Y/month=M/day=D/hour=H/{batch}.parquet      accepted messages, one row each
 * quarantine/year=Y/month=M/day=D/hour=H/{batch}.json.gz   refused messages with their reason
 * </pre>
 *
 * Partition values are plain integers without leading zeros ({@code month=1/day=5/hour=7}): every
 * engine then reads them as integers (DuckDB keeps {@code 07} a string; Athena's integer partition
 * projection and Firehose's JQ partition keys produce unpadded numbers too).
 *
 * Raw and Parquet are partitioned by the measurement time ({@code ts}), quarantine by the receive
 * time (a refused message may have no usable timestamp). All times are UTC. The VIN is a column,
 * never a key level: one vehicle's hour is one small slice of a shared file, so the number of
 * partitions does not grow with the fleet.
 */
public final class LakeLayout {

    /** Accepted messages as received, gzip NDJSON. */
    public static final String RAW = "raw";
    /** Accepted messages as Parquet rows (the table Glue/Athena and DuckDB query). */
    public static final String PARQUET = "parquet";
    /** Refused messages with their reason, gzip NDJSON. */
    public static final String QUARANTINE = "quarantine";

    /** One hour in milliseconds. */
    public static final long HOUR_MS = 3_600_000L;

    private static final Pattern PARTITION = Pattern.compile("year=(\\d{4})/month=(\\d{1,2})/day=(\\d{1,2})/hour=(\\d{1,2})");

    private LakeLayout() {
    }

    /** The partition directory of the hour that holds {@code epochMs}: {@code year=2026/month=11/day=22/hour=7}. */
    public static String partition(long epochMs) {
        ZonedDateTime t = Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC);
        return "year=" + t.getYear() + "/month=" + t.getMonthValue() + "/day=" + t.getDayOfMonth() + "/hour=" + t.getHour();
    }

    /**
     * The start (epoch ms) of the hour a partition directory names, the inverse of
     * {@link #partition}; {@link Long#MIN_VALUE} when {@code partition} names no hour (another
     * directory, or {@code month=13} and the like).
     */
    public static long hourStart(String partition) {
        Matcher m = PARTITION.matcher(partition);
        if (!m.matches()) {
            return Long.MIN_VALUE;
        }
        try {
            return LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Whether a file name in a Parquet partition is a committed Parquet file (not a hidden temporary one). */
    public static boolean isVisibleParquet(String fileName) {
        return !fileName.startsWith(".") && fileName.endsWith(".parquet");
    }

    /** The key of a raw file. */
    public static String rawKey(long epochMs, String batchId) {
        return RAW + "/" + partition(epochMs) + "/" + batchId + ".json.gz";
    }

    /** The key of a Parquet file. */
    public static String parquetKey(long epochMs, String batchId) {
        return PARQUET + "/" + partition(epochMs) + "/" + batchId + ".parquet";
    }

    /** The key of a quarantine file. */
    public static String quarantineKey(long epochMs, String batchId) {
        return QUARANTINE + "/" + partition(epochMs) + "/" + batchId + ".json.gz";
    }

    /**
     * The name a file has while it is written: hidden (leading dot) and with a {@code .tmp} suffix,
     * so no reader (Athena skips dot files; the {@code *.parquet} glob does not match) sees it.
     */
    public static String temporaryKey(String key) {
        int slash = key.lastIndexOf('/');
        return key.substring(0, slash + 1) + "." + key.substring(slash + 1) + ".tmp";
    }
}
