package io.cms.constructs;

/** Solution-wide identity: the values that go into tags, descriptions and user agents. */
public final class Solution {

    /** The solution id kept from the original so usage tags stay comparable. */
    public static final String ID = "SO0241";
    /** The product name. */
    public static final String NAME = "cms-for-java";
    /** The application type tag value. */
    public static final String APPLICATION_TYPE = "AWS-Solutions";

    private Solution() {
    }

    /** The version from the build (the {@code solution.version} property), or the default. */
    public static String version() {
        String fromProperty = System.getProperty("cms.version");
        if (fromProperty != null && !fromProperty.isBlank()) {
            return fromProperty;
        }
        Package pkg = Solution.class.getPackage();
        String fromJar = pkg == null ? null : pkg.getImplementationVersion();
        return fromJar == null ? "v0.1.0" : "v" + fromJar.replace("-SNAPSHOT", "");
    }

    /** The user agent suffix handlers send with every AWS call. */
    public static String userAgent(CmsModule module) {
        return "AWSSOLUTION/" + ID + "/" + version() + " AWSSOLUTION-CAPABILITY/" + module.capabilityId() + "/" + version();
    }
}
