package io.cms.vss;

import java.util.Arrays;
import java.util.Locale;

/**
 * The VSS datatypes the catalog uses, with the facts every derivation needs: the integer range a
 * type can hold, and whether it is a number, a string, a boolean or a string array.
 */
public enum VssDatatype {
    BOOLEAN("boolean", Kind.BOOLEAN, 0, 0),
    STRING("string", Kind.STRING, 0, 0),
    STRING_ARRAY("string[]", Kind.STRING_ARRAY, 0, 0),
    UINT8("uint8", Kind.INTEGER, 0, 255),
    UINT16("uint16", Kind.INTEGER, 0, 65_535),
    UINT32("uint32", Kind.INTEGER, 0, 4_294_967_295L),
    INT8("int8", Kind.INTEGER, -128, 127),
    INT16("int16", Kind.INTEGER, -32_768, 32_767),
    INT32("int32", Kind.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64("int64", Kind.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE),
    FLOAT("float", Kind.DECIMAL, 0, 0),
    DOUBLE("double", Kind.DECIMAL, 0, 0);

    /** The shape of a value of a datatype. */
    public enum Kind { BOOLEAN, STRING, STRING_ARRAY, INTEGER, DECIMAL }

    private final String vssName;
    private final Kind kind;
    private final long minInteger;
    private final long maxInteger;

    VssDatatype(String vssName, Kind kind, long minInteger, long maxInteger) {
        this.vssName = vssName;
        this.kind = kind;
        this.minInteger = minInteger;
        this.maxInteger = maxInteger;
    }

    /** The name VSS uses ({@code uint16}, {@code string[]}). */
    public String vssName() {
        return vssName;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether values are numbers (integer or decimal). */
    public boolean isNumeric() {
        return kind == Kind.INTEGER || kind == Kind.DECIMAL;
    }

    /** Smallest value an integer type holds (only for {@link Kind#INTEGER}). */
    public long minInteger() {
        return minInteger;
    }

    /** Largest value an integer type holds (only for {@link Kind#INTEGER}). */
    public long maxInteger() {
        return maxInteger;
    }

    /** Whether values need 64 bits (they do not fit a signed 32-bit integer). */
    public boolean isWide() {
        return kind == Kind.INTEGER && (maxInteger > Integer.MAX_VALUE || minInteger < Integer.MIN_VALUE);
    }

    /** The datatype with VSS name {@code name}. */
    public static VssDatatype ofVssName(String name) {
        return Arrays.stream(values())
                .filter(t -> t.vssName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown VSS datatype '" + name + "', known: "
                        + Arrays.stream(values()).map(VssDatatype::vssName).toList()));
    }

    @Override
    public String toString() {
        return vssName.toLowerCase(Locale.ROOT);
    }
}
