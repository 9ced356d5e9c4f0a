package io.cms.api.graphql;

/**
 * The one mapping from VSS names to GraphQL field names: lower camel case, with a leading
 * acronym lower-cased as a whole ({@code VIN} → {@code vin}, {@code DTCList} → {@code dtcList},
 * {@code CurrentLocation} → {@code currentLocation}), matching the original API's field names.
 */
public final class GraphQlNames {

    private GraphQlNames() {
    }

    /** The GraphQL field name of one VSS path segment. */
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
            return vssSegment.toLowerCase(java.util.Locale.ROOT);
        }
        // "DTCList": the last capital starts the next word.
        int cut = upper == 1 ? 1 : upper - 1;
        return vssSegment.substring(0, cut).toLowerCase(java.util.Locale.ROOT) + vssSegment.substring(cut);
    }

    /** The GraphQL type name of a VSS branch or leaf path: {@code Vehicle_CurrentLocation_Latitude}. */
    public static String type(String vssPath) {
        return vssPath.replace('.', '_');
    }
}
