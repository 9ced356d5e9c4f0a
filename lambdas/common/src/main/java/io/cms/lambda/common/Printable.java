package io.cms.lambda.common;

/** Outside input quoted in an error message or a log line, made harmless. */
public final class Printable {

    private Printable() {
    }

    /**
     * {@code value} clipped to {@code max} characters (then {@code ...}), every character outside
     * printable ASCII (newlines included, so no log line can be forged) replaced by {@code ?};
     * {@code "null"} for null.
     */
    public static String clip(String value, int max) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > max ? value.substring(0, max) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
