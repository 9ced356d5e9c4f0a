package io.cms.local;

import io.cms.lambda.common.BadInputException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h} (or ISO 8601 {@code PT1S}) into a positive duration. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (BadInputException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The duration, or a {@link BadInputException} explaining the accepted forms. */
    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim();
        Duration d;
        Matcher m = SIMPLE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(v);
            } catch (java.time.format.DateTimeParseException e) {
                throw new BadInputException("'" + value + "' is not a duration: use e.g. 500ms, 1s, 2m, 1h");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new BadInputException("'" + value + "' must be a positive duration");
        }
        return d;
    }
}
