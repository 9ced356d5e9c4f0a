package io.cms.cli;

import io.cms.lambda.common.BadInputException;
import io.cms.local.DurationConverter;
import java.time.Duration;

/**
 * Duration options of the commands: parsed as {@link DurationConverter} does ({@code 500ms},
 * {@code 1s}, {@code 2m}, {@code 1h}, ISO 8601) and bounded, so that a value such as
 * {@code 999999999h} is refused with the option's name instead of overflowing later.
 */
public final class DurationOptions {

    private DurationOptions() {
    }

    /**
     * The positive duration {@code value} of {@code option}, at most {@code max}.
     *
     * @throws BadInputException naming the option when the value is not a positive duration or exceeds {@code max}
     */
    public static Duration parse(String option, String value, Duration max) {
        Duration d;
        try {
            d = DurationConverter.parse(value);
        } catch (BadInputException | ArithmeticException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
        if (d.compareTo(max) > 0) {
            throw new BadInputException(option + ": '" + value + "' is too long: at most " + describe(max));
        }
        return d;
    }

    /** {@code 8760h (365 days)}, {@code 1h}, {@code 90m}, {@code 45s} or {@code 500ms}: the largest whole unit. */
    static String describe(Duration d) {
        if (d.toMillis() % 86_400_000 == 0 && d.toDays() > 1) {
            return d.toHours() + "h (" + d.toDays() + " days)";
        }
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1_000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
