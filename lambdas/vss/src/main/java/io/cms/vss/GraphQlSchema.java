package io.cms.vss;

import java.util.Locale;
import java.util.Map;

/**
 * The GraphQL types of the catalog: one object type per VSS branch ({@code Vehicle},
 * {@code Vehicle_CurrentLocation}, ...) with lower-camel-case fields, so the API serves exactly the
 * catalog's signals.
 *
 * <p>Type mapping: float/double → {@code Float}; integers that fit 32 bits → {@code Int};
 * {@code uint32}/{@code int64} → {@code Float} (GraphQL {@code Int} is 32-bit signed and AppSync has
 * no long; every such value below 2^53 is exact in a double); boolean → {@code Boolean}; string →
 * {@code String}; string[] → {@code [String!]}. Every field is nullable: a signal a vehicle has not
 * reported is null.
 */
public final class GraphQlSchema {

    private GraphQlSchema() {
    }

    /**
     * The GraphQL field name of one VSS segment: lower camel case, a leading acronym lower-cased as a
     * whole ({@code VIN} → {@code vin}, {@code DTCList} → {@code dtcList}, {@code CurrentLocation} →
     * {@code currentLocation}).
     */
    public static String field(String vssSegment) {
        if (vssSegment == null || vssSegment.isEmpty()) {
            throw new IllegalArgumentException("empty VSS name");
        }
        int upper = 0;
        while (upper < vssSegment.length() && Character.isUpperCase(vssSegment.charAt(upper))) {
            upper++;
        }
        if (upper == 0) {
            return vssSegment;
        }
        if (upper == vssSegment.length()) {
            return vssSegment.toLowerCase(Locale.ROOT);
        }
        int cut = upper == 1 ? 1 : upper - 1;
        return vssSegment.substring(0, cut).toLowerCase(Locale.ROOT) + vssSegment.substring(cut);
    }

    /** The GraphQL type name of a VSS branch: {@code Vehicle_CurrentLocation}. */
    public static String typeName(String vssPath) {
        return vssPath.replace('.', '_');
    }

    /** The GraphQL type of a leaf's datatype. */
    public static String scalar(VssDatatype type) {
        return switch (type) {
            case BOOLEAN -> "Boolean";
            case STRING -> "String";
            case STRING_ARRAY -> "[String!]";
            case FLOAT, DOUBLE, UINT32, INT64 -> "Float";
            case UINT8, UINT16, INT8, INT16, INT32 -> "Int";
        };
    }

    /** The SDL of every branch type of {@code catalog}, root type {@code Vehicle} first. */
    public static String sdl(VssCatalog catalog) {
        StringBuilder out = new StringBuilder();
        out.append("# Generated from the VSS ").append(catalog.vssVersion()).append(" catalog; do not edit.\n");
        for (SignalTree top : catalog.tree().children().values()) {
            append(out, top);
        }
        return out.toString();
    }

    private static void append(StringBuilder out, SignalTree branch) {
        out.append("\ntype ").append(typeName(branch.path())).append(" {\n");
        for (Map.Entry<String, SignalTree> e : branch.children().entrySet()) {
            SignalTree child = e.getValue();
            if (child.isLeaf()) {
                Signal s = child.signal();
                out.append("  \"\"\"").append(doc(s)).append("\"\"\"\n");
                out.append("  ").append(field(e.getKey())).append(": ").append(scalar(s.datatype())).append('\n');
            } else {
                out.append("  ").append(field(e.getKey())).append(": ").append(typeName(child.path())).append('\n');
            }
        }
        out.append("}\n");
        for (SignalTree child : branch.children().values()) {
            if (!child.isLeaf()) {
                append(out, child);
            }
        }
    }

    private static String doc(Signal s) {
        String d = s.description() == null ? s.path() : s.description();
        return (d + (s.unit() == null ? "" : " Unit: " + s.unit() + ".")).replace("\"\"\"", "'''").replace('\\', '/');
    }
}
