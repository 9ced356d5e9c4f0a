package io.cms.lambda.common;

import java.util.regex.Pattern;

/**
 * The one VIN rule of the product (ISO 3779 shape): 17 characters, upper-case letters and digits,
 * never I, O or Q. Every module validates VINs here, once, at its edge, and uses the validated
 * value everywhere after (the original sanitised in one place and used the raw value in others).
 */
public final class Vin {

    /** The accepted shape. */
    public static final Pattern PATTERN = Pattern.compile("^[A-HJ-NPR-Z0-9]{17}$");

    private Vin() {
    }

    /** Returns {@code vin} unchanged if it is valid, otherwise throws with a message safe to show a caller. */
    public static String require(String vin) {
        if (!isValid(vin)) {
            throw new BadInputException("vin must be 17 characters: upper-case letters and digits without I, O and Q"
                    + (vin == null ? "" : " (got " + describe(vin) + ")"));
        }
        return vin;
    }

    /** Whether {@code vin} is a valid VIN. */
    public static boolean isValid(String vin) {
        // The same rule as PATTERN without a regex engine: this runs once per telemetry message.
        if (vin == null || vin.length() != 17) {
            return false;
        }
        for (int i = 0; i < 17; i++) {
            char c = vin.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String describe(String vin) {
        // Never echo a huge or binary input back.
        if (vin.length() > 32) {
            return vin.length() + " characters";
        }
        return "'" + Printable.clip(vin, 32) + "'";
    }
}
