package io.cms.local.ingest;

import io.cms.connectstore.lake.CommittedBatch;
import io.cms.connectstore.lake.HourCompactor;
import io.cms.connectstore.lake.LakeLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CMS Local's hourly compaction of its lake: the ingest commits a Parquet file every few seconds,
 * so an hour ends with hundreds to thousands of small files, and every history query over the lake
 * would open them all. Each run merges the Parquet files of every hour that is closed (its end
 * plus the grace period has passed, so no writer adds to it any more) and still has more than one
 * file, with {@link HourCompactor} (crash-safe; the swap holds the lake's publish lock, so a query
 * never sees an hour's rows twice or not at all). An hour that fails (a corrupt file, say) is
 * logged and left for the next run; the other hours of the run are still compacted. The raw and
 * quarantine archives are left as they are.
 *
 * <p>Only the first run of a process (or {@link #finishInterrupted()} before it) scans the lake
 * for hour directories. Afterwards a run looks only at the hours it has not yet seen at one file
 * (still open, or failed) and at the hours the lake writer committed files into since
 * ({@link #committed}, its commit listener: late messages into an old hour included), so a run
 * costs what changed, not the lake's age. Files put into the lake by another process while CMS
 * Local runs are merged after its next start.
 */
public final class LakeCompaction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LakeCompaction.class);

    private final Path parquetRoot;
    private final HourCompactor compactor;
    /** Hours the lake writer committed files into since a run last took them over. */
    private final Set<Long> touched = ConcurrentHashMap.newKeySet();
    /** Runs one at a time; guards the fields below. */
    private final Object runLock = new Object();
    /** Hours (start epoch ms) that may have more than one file: not closed yet, touched, or failed. */
    private final Set<Long> pending = new TreeSet<>();
    /** Whether the lake was scanned for its hours (once per process). */
    private boolean scanned;
    /** Hour directories listed by the compactor since construction (what a run costs). */
    private long hoursListed;
    private ScheduledExecutorService timer;

    /**
     * @param lakeRoot the lake's root (the layout of {@link LakeLayout})
     * @param clock what decides which hours are closed
     * @param grace how long after its end an hour may still receive files
     * @param publishLock held while an hour's files are swapped (the write side of the lake's view lock)
     */
    public LakeCompaction(Path lakeRoot, Clock clock, Duration grace, Lock publishLock) {
        this.parquetRoot = lakeRoot.resolve(LakeLayout.PARQUET);
        this.compactor = new HourCompactor(lakeRoot, CompressionCodecName.SNAPPY, clock, grace, publishLock);
    }

    /** Runs {@link #runOnce()} every {@code interval} on a daemon thread, the first time after {@code interval}. */
    public synchronized LakeCompaction start(Duration interval) {
        if (timer != null) {
            throw new IllegalStateException("lake compaction already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lake-compaction");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::runLogged, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Compacts every closed hour that may have more than one Parquet file: after the first run only
     * those not yet seen at one file and those the lake writer committed into since (see the class
     * comment); the compactor lists each and leaves it when it holds one file.
     *
     * @return what was merged (hours left alone are not listed)
     */
    public List<HourCompactor.Result> runOnce() {
        synchronized (runLock) {
            if (!scanned) {
                scan();
            }
            takeTouched();
            List<HourCompactor.Result> merged = new ArrayList<>();
            for (Iterator<Long> it = pending.iterator(); it.hasNext(); ) {
                long hour = it.next();
                if (!compactor.closed(hour)) {
                    continue;
                }
                try {
                    hoursListed++;
                    HourCompactor.Result result = compactor.compact(hour);
                    // One file (or none) now; a later commit into the hour marks it again.
                    it.remove();
                    if (result.mergedKey() != null) {
                        merged.add(result);
                        LOG.info("compacted {}: {} files into one ({} rows)", result.partition(), result.inputs(), result.rows());
                    }
                } catch (RuntimeException e) {
                    // Not only I/O errors: the Parquet reader throws plain RuntimeExceptions for a corrupt
                    // file. One bad hour must not keep the others from being compacted; the next run tries it again.
                    LOG.warn("compaction of {}/{} failed; the next run tries again: {}", LakeLayout.PARQUET,
                            LakeLayout.partition(hour), e.toString());
                }
            }
            return merged;
        }
    }

    /**
     * The lake writer's commit listener ({@code LakeWriterConfig.Builder#onCommit}): the hours the
     * batch wrote Parquet files into are compacted again by the next run once they are closed.
     * Thread-safe and cheap (it only notes the hours).
     */
    public void committed(CommittedBatch batch) {
        String prefix = LakeLayout.PARQUET + "/";
        for (String key : batch.keys()) {
            int slash = key.lastIndexOf('/');
            if (key.startsWith(prefix) && slash > prefix.length()) {
                long hour = LakeLayout.hourStart(key.substring(prefix.length(), slash));
                if (hour != Long.MIN_VALUE) {
                    touched.add(hour);
                }
            }
        }
    }

    /** How many hour directories the compaction runs have listed so far. */
    long hoursListed() {
        synchronized (runLock) {
            return hoursListed;
        }
    }

    /** Moves the hours the writer touched to the pending ones; a mark that comes meanwhile stays for the next run. */
    private void takeTouched() {
        for (Iterator<Long> it = touched.iterator(); it.hasNext(); ) {
            pending.add(it.next());
            it.remove();
        }
    }

    /**
     * Notes every hour directory of the lake as pending; a failed scan is tried again by the next run.
     *
     * @return the hour directories found, none when the scan failed
     */
    private List<Path> scan() {
        try {
            List<Path> dirs = hourDirectories();
            for (Path dir : dirs) {
                pending.add(hourStart(dir));
            }
            scanned = true;
            return dirs;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot scan {} for hours: {}; the next compaction run tries again", parquetRoot, e.toString());
            return List.of();
        }
    }

    /**
     * Finishes the compactions a crash interrupted between renaming a merged file in and deleting its
     * inputs (until then queries count that hour's rows twice): in every hour directory with more
     * than one Parquet file, a merged file that lists its inputs in its footer has those inputs
     * deleted, under the publish lock ({@link HourCompactor#finishInterrupted(long)}). Cheap enough
     * for a boot: one listing per hour, and a footer read only of merged files next to other files.
     * An hour that fails is logged and left for {@link #runOnce()}. The hours found spare the first
     * run its scan of the lake.
     *
     * @return how many leftover input files were deleted
     */
    public int finishInterrupted() {
        List<Path> dirs;
        synchronized (runLock) {
            dirs = scan();
        }
        int deleted = 0;
        for (Path dir : dirs) {
            try {
                deleted += compactor.finishInterrupted(hourStart(dir));
            } catch (RuntimeException e) {
                LOG.warn("cannot finish an interrupted compaction in {}: {}; the next compaction run tries again",
                        parquetRoot.relativize(dir), e.toString());
            }
        }
        if (deleted > 0) {
            LOG.info("finished compactions an earlier crash interrupted: deleted {} already merged files", deleted);
        }
        return deleted;
    }

    private void runLogged() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warn("lake compaction run failed: {}; the next run tries again", e.toString());
        }
    }

    private long hourStart(Path dir) {
        return LakeLayout.hourStart(parquetRoot.relativize(dir).toString().replace('\\', '/'));
    }

    /** The Parquet directories that name an hour. */
    private List<Path> hourDirectories() throws IOException {
        if (!Files.isDirectory(parquetRoot)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.find(parquetRoot, 4, (p, a) -> a.isDirectory())) {
            return dirs.filter(dir -> hourStart(dir) != Long.MIN_VALUE).toList();
        }
    }

    /** Stops the timer after the run in progress, if any. */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        timer.shutdown();
        try {
            if (!timer.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("lake compaction did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
