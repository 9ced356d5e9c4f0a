package io.cms.connectstore.testutils;

import io.cms.connectstore.lake.LakeLayout;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import java.io.IOException;
import java.nio.file.Path;

/** Parquet objects in the bucket as a lake writer (or Firehose, in the same layout) leaves them. */
public final class LakeUploads {

    private LakeUploads() {
    }

    /**
     * Writes {@code batches} committed batches of {@code rowsEach} messages of {@code vin} measured in
     * the hour that starts at {@code hour} into a local lake at {@code root}, and uploads its Parquet
     * files to {@code s3} under the same keys.
     */
    public static void upload(InMemoryS3 s3, Path root, long hour, String vin, int batches, int rowsEach) throws IOException {
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(root).build())) {
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < rowsEach; i++) {
                    long ts = hour + b * 60_000L + i;
                    w.accept(Payloads.topic(vin), Payloads.bytes(Payloads.full(vin, ts, b * 100 + i)), hour + LakeLayout.HOUR_MS);
                }
                w.flush();
            }
        }
        for (Path p : LakeFiles.files(root, "parquet", ".parquet")) {
            s3.put(root.relativize(p).toString().replace('\\', '/'), p);
        }
    }
}
