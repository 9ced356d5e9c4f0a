package io.cms.connectstore.lake;

import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.vss.VssCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Settings of a {@link LakeWriter}; build with {@link #builder(Path)}.
 *
 * @param root the lake root directory (the bucket root on S3)
 * @param validator the envelope and catalog rules
 * @param maxBatchRecords commit when a batch holds this many messages (default 100 000)
 * @param maxBatchAge commit when a batch is this old (default 60 s, the Firehose buffer time)
 * @param maxOpenPartitions commit when more hour partitions than this are open (late data; default 24)
 * @param codec Parquet compression (default SNAPPY, as Firehose's conversion)
 * @param clock time source for the age limit
 * @param onCommit told about every committed batch (default: nothing)
 * @param pipelined encode Parquet and gzip the raw copy on two worker threads while the caller's
 *     thread validates (default true: on two cores about twice the inline rate); false writes
 *     everything on the caller's thread
 */
public record LakeWriterConfig(Path root, TelemetryValidator validator, int maxBatchRecords, Duration maxBatchAge,
        int maxOpenPartitions, CompressionCodecName codec, Clock clock, Consumer<CommittedBatch> onCommit,
        boolean pipelined) {

    public LakeWriterConfig {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(onCommit, "onCommit");
        if (maxBatchRecords < 1) {
            throw new IllegalArgumentException("maxBatchRecords must be at least 1, got " + maxBatchRecords);
        }
        if (maxBatchAge.isNegative() || maxBatchAge.isZero()) {
            throw new IllegalArgumentException("maxBatchAge must be positive, got " + maxBatchAge);
        }
        if (maxOpenPartitions < 1) {
            throw new IllegalArgumentException("maxOpenPartitions must be at least 1, got " + maxOpenPartitions);
        }
    }

    /** Defaults for a lake at {@code root} with the shipped catalog. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private final Path root;
        private TelemetryValidator validator;
        private int maxBatchRecords = 100_000;
        private Duration maxBatchAge = Duration.ofSeconds(60);
        private int maxOpenPartitions = 24;
        private CompressionCodecName codec = CompressionCodecName.SNAPPY;
        private Clock clock = Clock.systemUTC();
        private Consumer<CommittedBatch> onCommit = b -> { };
        private boolean pipelined = true;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder validator(TelemetryValidator v) {
            this.validator = v;
            return this;
        }

        public Builder maxBatchRecords(int n) {
            this.maxBatchRecords = n;
            return this;
        }

        public Builder maxBatchAge(Duration d) {
            this.maxBatchAge = d;
            return this;
        }

        public Builder maxOpenPartitions(int n) {
            this.maxOpenPartitions = n;
            return this;
        }

        public Builder codec(CompressionCodecName c) {
            this.codec = c;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder onCommit(Consumer<CommittedBatch> listener) {
            this.onCommit = listener;
            return this;
        }

        public Builder pipelined(boolean p) {
            this.pipelined = p;
            return this;
        }

        public LakeWriterConfig build() {
            return new LakeWriterConfig(root, validator == null ? new TelemetryValidator(VssCatalog.load()) : validator,
                    maxBatchRecords, maxBatchAge, maxOpenPartitions, codec, clock, onCommit, pipelined);
        }
    }
}
