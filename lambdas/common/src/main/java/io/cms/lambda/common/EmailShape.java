package io.cms.lambda.common;

import java.util.regex.Pattern;

/**
 * What the platform accepts as an email address: at most 254 characters, a local part of 1-64
 * characters without '@' or white space, '@', and a domain with a dot. The one rule for the Alerts
 * module's subscription keys and the email claim Auth Setup puts into access tokens, so the two
 * always agree.
 */
public final class EmailShape {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final int MAX_LENGTH = 254;

    private EmailShape() {
    }

    /** Whether {@code email} (as given: not trimmed) has the shape of an email address. */
    public static boolean plausible(String email) {
        return email != null && email.length() <= MAX_LENGTH && SHAPE.matcher(email).matches();
    }
}
