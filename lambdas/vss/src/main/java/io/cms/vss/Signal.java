package io.cms.vss;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One VSS leaf signal of the catalog.
 *
 * @param path canonical VSS path ({@code Vehicle.Speed})
 * @param datatype VSS datatype
 * @param unit VSS unit, or null when the signal has none
 * @param min smallest valid value (numbers only), or null
 * @param max largest valid value (numbers only), or null
 * @param description what the signal means
 * @param allowed the only valid values (strings only), empty when any string is valid
 * @param pattern the shape every string (or string-array element) must have, or null
 */
public record Signal(String path, VssDatatype datatype, String unit, Double min, Double max, String description,
        List<String> allowed, Pattern pattern) {

    public Signal {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(datatype, "datatype");
        allowed = List.copyOf(allowed == null ? List.of() : allowed);
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException(path + ": min " + min + " > max " + max);
        }
        if ((min != null || max != null) && !datatype.isNumeric()) {
            throw new IllegalArgumentException(path + ": min/max on a " + datatype.vssName() + " signal");
        }
        if (!allowed.isEmpty() && datatype != VssDatatype.STRING) {
            throw new IllegalArgumentException(path + ": allowed values on a " + datatype.vssName() + " signal");
        }
    }

    /** The last segment of the path ({@code Speed}). */
    public String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** The path segments ({@code [Vehicle, CurrentLocation, Latitude]}). */
    public List<String> segments() {
        return List.of(path.split("\\."));
    }

    /** The smallest valid number: the catalog bound, else the type's bound (decimals: -infinity). */
    public double effectiveMin() {
        if (min != null) {
            return min;
        }
        return datatype.kind() == VssDatatype.Kind.INTEGER ? datatype.minInteger() : Double.NEGATIVE_INFINITY;
    }

    /** The largest valid number: the catalog bound, else the type's bound (decimals: +infinity). */
    public double effectiveMax() {
        if (max != null) {
            return max;
        }
        return datatype.kind() == VssDatatype.Kind.INTEGER ? datatype.maxInteger() : Double.POSITIVE_INFINITY;
    }

    /**
     * Checks a number against the type and the bounds.
     *
     * @return the problem, or empty when the number is valid
     */
    public Optional<Violation> checkNumber(double value) {
        if (!datatype.isNumeric()) {
            return Optional.of(Violation.wrongType(path, datatype, "a number"));
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Optional.of(Violation.wrongType(path, datatype, "a non-finite number"));
        }
        if (datatype.kind() == VssDatatype.Kind.INTEGER && value != Math.rint(value)) {
            return Optional.of(Violation.wrongType(path, datatype, "the fraction " + value));
        }
        if (value < effectiveMin() || value > effectiveMax()) {
            return Optional.of(new Violation(Violation.Kind.OUT_OF_RANGE,
                    path + " = " + format(value) + " is outside [" + format(effectiveMin()) + ", " + format(effectiveMax()) + "]"
                            + (unit == null ? "" : " " + unit)));
        }
        return Optional.empty();
    }

    /**
     * Checks a string against the type, the allowed values and the pattern.
     *
     * @return the problem, or empty when the string is valid
     */
    public Optional<Violation> checkString(String value) {
        if (datatype != VssDatatype.STRING && datatype != VssDatatype.STRING_ARRAY) {
            return Optional.of(Violation.wrongType(path, datatype, "a string"));
        }
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            return Optional.of(new Violation(Violation.Kind.OUT_OF_RANGE,
                    path + " = '" + Violation.clip(value) + "' is not one of " + allowed));
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            return Optional.of(new Violation(Violation.Kind.OUT_OF_RANGE,
                    path + " = '" + Violation.clip(value) + "' does not match " + pattern.pattern()));
        }
        return Optional.empty();
    }

    /**
     * Checks a JSON value (null means "not reported" and is always valid).
     *
     * @return the problem, or empty when the value is valid
     */
    public Optional<Violation> check(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        switch (datatype.kind()) {
            case BOOLEAN:
                return value.isBoolean() ? Optional.empty() : Optional.of(Violation.wrongType(path, datatype, describe(value)));
            case STRING:
                return value.isTextual() ? checkString(value.textValue())
                        : Optional.of(Violation.wrongType(path, datatype, describe(value)));
            case STRING_ARRAY:
                if (!value.isArray()) {
                    return Optional.of(Violation.wrongType(path, datatype, describe(value)));
                }
                for (JsonNode element : value) {
                    if (!element.isTextual()) {
                        return Optional.of(Violation.wrongType(path, datatype, "an array holding " + describe(element)));
                    }
                    Optional<Violation> problem = checkString(element.textValue());
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
                return Optional.empty();
            default:
                return value.isNumber() ? checkNumber(value.doubleValue())
                        : Optional.of(Violation.wrongType(path, datatype, describe(value)));
        }
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String format(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
