package io.cms.vss;

/**
 * Why a value is not valid for a signal.
 *
 * @param kind the failure kind
 * @param message a message naming the signal, what was expected and what was found (never the
 *     whole input)
 */
public record Violation(Kind kind, String message) {

    /** The failure kinds. */
    public enum Kind {
        /** The JSON type does not fit the VSS datatype (a string for a float, a fraction for a uint8...). */
        WRONG_TYPE,
        /** The value has the right type but is outside the bounds or the allowed values. */
        OUT_OF_RANGE
    }

    static Violation wrongType(String path, VssDatatype expected, String found) {
        return new Violation(Kind.WRONG_TYPE, path + " must be " + expected.vssName() + ", got " + found);
    }

    static String clip(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
