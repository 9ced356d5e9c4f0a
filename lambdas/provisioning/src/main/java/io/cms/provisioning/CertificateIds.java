package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;
import java.util.regex.Pattern;

/** The shape of an AWS IoT certificate id: 64 lower-case hex characters (a SHA-256). */
public final class CertificateIds {

    private static final Pattern PATTERN = Pattern.compile("^[0-9a-f]{64}$");

    private CertificateIds() {
    }

    /** Returns the id unchanged when valid; otherwise a {@link BadInputException} that never echoes a long input. */
    public static String require(String field, String certificateId) {
        if (certificateId == null || !PATTERN.matcher(certificateId).matches()) {
            String got = certificateId == null ? "nothing"
                    : certificateId.length() > 80 ? certificateId.length() + " characters" : "'" + certificateId + "'";
            throw new BadInputException(field + " must be an IoT certificate id (64 lower-case hex characters), got " + got);
        }
        return certificateId;
    }
}
