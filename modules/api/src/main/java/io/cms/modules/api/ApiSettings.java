package io.cms.modules.api;

import io.cms.constructs.CmsContext;

/**
 * The API module's deployment settings, read from CDK context (or the environment) and checked at
 * synth, so a value Athena would refuse never reaches a deployment.
 *
 * <ul>
 *   <li>{@code athenaBytesScannedCutoffMb} ({@code ATHENA_BYTES_SCANNED_CUTOFF_MB}): the most a single
 *       history query may scan before Athena cancels it; default 10240 (10 GiB), at least 10 (Athena's
 *       minimum)</li>
 *   <li>{@code athenaResultRetentionDays} ({@code ATHENA_RESULT_RETENTION_DAYS}): days before query
 *       results expire from the results bucket; default 7</li>
 * </ul>
 *
 * @param bytesScannedCutoffMb per-query scan limit in MiB
 * @param resultRetentionDays days a query result is kept
 */
public record ApiSettings(int bytesScannedCutoffMb, int resultRetentionDays) {

    public static final int DEFAULT_BYTES_SCANNED_CUTOFF_MB = 10 * 1024;
    public static final int DEFAULT_RESULT_RETENTION_DAYS = 7;
    /** Athena refuses a BytesScannedCutoffPerQuery below 10 MB. */
    public static final int MIN_BYTES_SCANNED_CUTOFF_MB = 10;
    /** 1 PiB: far above any sensible per-query limit, still a positive long in bytes. */
    public static final int MAX_BYTES_SCANNED_CUTOFF_MB = 1024 * 1024 * 1024;

    public ApiSettings {
        if (bytesScannedCutoffMb < MIN_BYTES_SCANNED_CUTOFF_MB || bytesScannedCutoffMb > MAX_BYTES_SCANNED_CUTOFF_MB) {
            throw new IllegalArgumentException("Parameter athenaBytesScannedCutoffMb must be between "
                    + MIN_BYTES_SCANNED_CUTOFF_MB + " and " + MAX_BYTES_SCANNED_CUTOFF_MB + ", got " + bytesScannedCutoffMb);
        }
        if (resultRetentionDays < 1 || resultRetentionDays > 3650) {
            throw new IllegalArgumentException("Parameter athenaResultRetentionDays must be between 1 and 3650, got "
                    + resultRetentionDays);
        }
    }

    /** Reads and checks the settings; a bad value fails synth naming the parameter. */
    public static ApiSettings from(CmsContext context) {
        return new ApiSettings(
                context.integer("athenaBytesScannedCutoffMb", DEFAULT_BYTES_SCANNED_CUTOFF_MB,
                        MIN_BYTES_SCANNED_CUTOFF_MB, MAX_BYTES_SCANNED_CUTOFF_MB),
                context.integer("athenaResultRetentionDays", DEFAULT_RESULT_RETENTION_DAYS, 1, 3650));
    }

    /** The cutoff in bytes, as the workgroup takes it. */
    public long bytesScannedCutoffBytes() {
        return bytesScannedCutoffMb * 1024L * 1024L;
    }
}
