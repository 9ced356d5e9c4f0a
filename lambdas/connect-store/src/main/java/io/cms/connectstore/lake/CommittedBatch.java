package io.cms.connectstore.lake;

import java.util.List;

/**
 * What one {@link LakeWriter#flush()} made durable and visible.
 *
 * @param batchId the batch name every file of the batch carries
 * @param keys the committed files, relative to the lake root with {@code /} separators (the S3 keys)
 * @param rows accepted messages written (each is one raw line and one Parquet row)
 * @param quarantined refused messages written to quarantine
 */
public record CommittedBatch(String batchId, List<String> keys, long rows, long quarantined) {

    public CommittedBatch {
        keys = List.copyOf(keys);
    }

    /** Whether the batch held nothing (no file was written). */
    public boolean isEmpty() {
        return rows == 0 && quarantined == 0;
    }
}
