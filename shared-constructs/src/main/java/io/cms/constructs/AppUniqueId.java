package io.cms.constructs;

import java.util.regex.Pattern;

/** Validation of the App Unique ID, the key that ties a deployment's modules together. */
public final class AppUniqueId {

    /**
     * Lower-case letters, digits and inner dashes, starting with a letter: the id starts the
     * CloudFormation stack names ({@code {app}-app--{module}}), which must start with a letter.
     */
    public static final String PATTERN = "^(?=[a-z])[a-z0-9-]+(?<!-)$";
    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 10;
    public static final String DEFAULT = "cms";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private AppUniqueId() {
    }

    /** Returns the id, or throws naming the parameter and the rule it broke. */
    public static String validate(String value) {
        if (value == null || value.length() < MIN_LENGTH || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Parameter appUniqueId must be " + MIN_LENGTH + "-" + MAX_LENGTH
                    + " characters long, got '" + value + "'");
        }
        if (!COMPILED.matcher(value).matches()) {
            throw new IllegalArgumentException("Parameter appUniqueId must match " + PATTERN
                    + " (lower-case letters, digits and inner dashes, starting with a letter), got '" + value + "'");
        }
        return value;
    }
}
