package io.cms.lambda.common;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Typed access to a function's environment. Every getter names the variable in its error, so a
 * misconfigured function says exactly what to fix. Tests pass a map instead of the real environment.
 */
public final class EnvConfig {

    private final Function<String, String> source;

    private EnvConfig(Function<String, String> source) {
        this.source = source;
    }

    /** The process environment. */
    public static EnvConfig fromSystem() {
        return new EnvConfig(System::getenv);
    }

    /** A fixed map, for tests and for CMS Local. */
    public static EnvConfig of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new EnvConfig(copy::get);
    }

    /** A required, non-blank variable. */
    public String required(String name) {
        String value = source.apply(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("environment variable " + name + " is not set");
        }
        return value.trim();
    }

    /** An optional variable, or the default when it is unset or blank. */
    public String optional(String name, String defaultValue) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** An integer variable within [min, max]. */
    public int integer(String name, int defaultValue, int min, int max) {
        String raw = optional(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigurationException(
                        name + "=" + raw + " is outside the allowed range " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "=" + raw + " is not an integer");
        }
    }

    /** A duration in seconds. */
    public Duration seconds(String name, Duration defaultValue) {
        String raw = optional(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < 0) {
                throw new ConfigurationException(name + "=" + raw + " must not be negative");
            }
            return Duration.ofSeconds(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + "=" + raw + " is not a number of seconds");
        }
    }

    /** A boolean variable: true/false/yes/no (case-insensitive). */
    public boolean flag(String name, boolean defaultValue) {
        String raw = optional(name, null);
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw new ConfigurationException(name + "=" + raw + " is not true/false/yes/no");
        }
    }

    /** A comma-separated list with blanks removed. */
    public List<String> list(String name, List<String> defaultValue) {
        String raw = optional(name, null);
        if (raw == null) {
            return defaultValue;
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "EnvConfig@" + Objects.hashCode(source);
    }
}
