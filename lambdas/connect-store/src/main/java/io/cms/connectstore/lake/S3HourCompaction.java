package io.cms.connectstore.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Merges the Parquet objects of a closed hour of the telemetry bucket (Firehose writes one per
 * buffer interval, so an hour holds dozens) into one, so Athena opens one object per hour.
 *
 * <p>The hour's objects are copied into a scratch directory laid out like the bucket and merged
 * there by {@link HourCompactor}; the merged file is uploaded under the same layout, and only then
 * are the inputs deleted from the bucket. Crash-safe like {@code HourCompactor}: the merged object
 * lists its inputs in its Parquet footer, so a run that finds a merged object next to inputs it
 * already holds (a crash between the upload and the deletes) deletes those inputs without merging
 * them again. Objects that arrive while a run is under way are not listed by it and are left for
 * the next run, as are hours not closed yet (their end plus the grace period).
 */
public final class S3HourCompaction {

    private static final Logger LOG = LoggerFactory.getLogger(S3HourCompaction.class);
    /** DeleteObjects takes at most this many keys per request. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;
    /** The hour's copies, laid out like the bucket; emptied after each hour. */
    private final Path scratch;
    private final HourCompactor compactor;
    private final long maxHourBytes;
    /** Free bytes where the scratch directory is (a seam for tests). */
    private final LongSupplier freeSpace;

    /**
     * What a run did for one hour.
     *
     * @param partition the hour's prefix, e.g. {@code parquet/year=2026/month=11/day=22/hour=7}
     * @param mergedKey the key of the uploaded merged object, or null when nothing was merged
     * @param inputs objects merged into it
     * @param rows rows in the merged object
     * @param deleted objects deleted from the bucket (the inputs, or leftovers of an interrupted run)
     * @param skipped why the hour was left alone, or null
     */
    public record Result(String partition, String mergedKey, int inputs, long rows, int deleted, String skipped) {
    }

    /**
     * @param s3 the client
     * @param bucket the telemetry bucket
     * @param scratch a directory for the hour's copies (emptied after each hour; only this instance may use it)
     * @param clock decides which hours are closed
     * @param grace how long after its end an hour may still receive objects (Firehose buffering and retries)
     * @param maxHourBytes an hour holding more than this is left alone (it would not fit the scratch space)
     */
    public S3HourCompaction(S3Client s3, String bucket, Path scratch, Clock clock, Duration grace, long maxHourBytes) {
        this(s3, bucket, scratch, clock, grace, maxHourBytes, null);
    }

    /** @param freeSpace free bytes of the scratch space, or null to ask its file store */
    S3HourCompaction(S3Client s3, String bucket, Path scratch, Clock clock, Duration grace, long maxHourBytes, LongSupplier freeSpace) {
        if (maxHourBytes < 1) {
            throw new IllegalArgumentException("maxHourBytes must be positive, got " + maxHourBytes);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.scratch = scratch;
        this.compactor = new HourCompactor(scratch, CompressionCodecName.SNAPPY, clock, grace);
        this.maxHourBytes = maxHourBytes;
        this.freeSpace = freeSpace != null ? freeSpace : this::usableScratchSpace;
    }

    /** Whether the hour that starts at {@code hourStartMs} is closed: no object is expected in it any more. */
    public boolean closed(long hourStartMs) {
        return compactor.closed(hourStartMs);
    }

    /**
     * Compacts the hour that starts at {@code hourStartMs} (UTC).
     *
     * @throws IllegalArgumentException when the hour is not closed
     * @throws UncheckedIOException when the scratch directory fails; the bucket is then unchanged
     *     or, if the upload succeeded, holds the merged object next to its inputs (the next run deletes them)
     */
    public Result compact(long hourStartMs) {
        compactor.requireClosedHour(hourStartMs);
        String partition = LakeLayout.PARQUET + "/" + LakeLayout.partition(hourStartMs);
        List<S3Object> objects = list(partition + "/");
        if (objects.size() < 2) {
            return new Result(partition, null, 0, 0, 0, objects.isEmpty() ? "no objects" : "one object");
        }
        long bytes = objects.stream().mapToLong(S3Object::size).sum();
        if (bytes > maxHourBytes) {
            LOG.warn("{} holds {} bytes in {} objects, more than the {} bytes of scratch space allowed; left alone",
                    partition, bytes, objects.size(), maxHourBytes);
            return new Result(partition, null, 0, 0, 0, "larger than " + maxHourBytes + " bytes");
        }
        // Copies an earlier run left when it was cut off (a Lambda timeout keeps /tmp) must not be merged again.
        emptyScratch();
        long free = freeSpace.getAsLong();
        if (2 * bytes > free) {
            // The copies and the merged file must both fit.
            LOG.warn("{} holds {} bytes in {} objects; merging needs twice that and {} has {} bytes free; left alone",
                    partition, bytes, objects.size(), scratch, free);
            return new Result(partition, null, 0, 0, 0, "needs " + 2 * bytes + " bytes of scratch space, " + free + " free");
        }
        try {
            for (S3Object o : objects) {
                Path local = scratch.resolve(o.key());
                Files.createDirectories(local.getParent());
                s3.getObject(b -> b.bucket(bucket).key(o.key()), local);
            }
            HourCompactor.Result merged = compactor.compact(hourStartMs);
            if (merged.mergedKey() != null) {
                s3.putObject(b -> b.bucket(bucket).key(merged.mergedKey()), RequestBody.fromFile(scratch.resolve(merged.mergedKey())));
            }
            // Whatever the local merge consumed (its inputs, or leftovers a merged object already
            // holds) goes from the bucket too; only after the merged object is there.
            List<String> gone = new ArrayList<>();
            for (S3Object o : objects) {
                if (!Files.exists(scratch.resolve(o.key()))) {
                    gone.add(o.key());
                }
            }
            delete(gone);
            return new Result(partition, merged.mergedKey(), merged.inputs(), merged.rows(), gone.size(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("compaction of s3://" + bucket + "/" + partition + " failed", e);
        } finally {
            emptyScratch();
        }
    }

    /** The visible Parquet objects under {@code prefix} (not below a deeper level), in key order. */
    private List<S3Object> list(String prefix) {
        List<S3Object> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String name = o.key().substring(prefix.length());
            if (!name.contains("/") && LakeLayout.isVisibleParquet(name)) {
                out.add(o);
            }
        }
        out.sort(Comparator.comparing(S3Object::key));
        return out;
    }

    private void delete(List<String> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build()));
            if (!response.errors().isEmpty()) {
                S3Error first = response.errors().get(0);
                // The merged object holds their rows; the next run deletes them (see the class comment).
                throw new IllegalStateException(response.errors().size() + " merged objects could not be deleted from s3://" + bucket
                        + " (first: " + first.key() + ": " + first.code() + " " + first.message() + "); the next run deletes them");
            }
        }
    }

    private long usableScratchSpace() {
        try {
            Files.createDirectories(scratch);
            return Files.getFileStore(scratch).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the scratch directory " + scratch, e);
        }
    }

    /** Deletes the hour's copies (the scratch directory itself stays). */
    private void emptyScratch() {
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(scratch)).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot empty the scratch directory {}: {}", scratch, e.toString());
        }
    }
}
