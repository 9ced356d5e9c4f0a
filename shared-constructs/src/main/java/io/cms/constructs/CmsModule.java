package io.cms.constructs;

/**
 * The deployable modules, with the short names used in SSM paths and physical names and the
 * capability ids used in stack descriptions (kept from the original so deployments interoperate).
 */
public enum CmsModule {
    VPC("vpc", "VPC", "CMS.23", false),
    AUTH_SETUP("auth-setup", "Auth Setup", "CMS.24", false),
    CONFIG("config", "Config", "CMS.26", false),
    ACDP("acdp", "Automotive Cloud Developer Portal", "CMS.6", false),
    AUTH("auth", "Auth", "CMS.22", true),
    PROVISIONING("provisioning", "Vehicle Provisioning", "CMS.5", true),
    CONNECT_STORE("connect-store", "Connect & Store", "CMS.3", true),
    API("api", "API", "CMS.12", true),
    ALERTS("alerts", "Alerts", "CMS.10", true),
    EV_BATTERY_HEALTH("ev-battery-health", "EV Battery Health", "CMS.11", true),
    VEHICLE_SIMULATOR("vehicle-simulator", "Vehicle Simulator", "CMS.1", true),
    FLEETWISE_CONNECTOR("fleetwise-connector", "FleetWise Connector", "CMS.25", true);

    private final String shortName;
    private final String displayName;
    private final String capabilityId;
    private final boolean registersWithConfig;

    CmsModule(String shortName, String displayName, String capabilityId, boolean registersWithConfig) {
        this.shortName = shortName;
        this.displayName = displayName;
        this.capabilityId = capabilityId;
        this.registersWithConfig = registersWithConfig;
    }

    /** The short name, e.g. {@code connect-store}. */
    public String shortName() {
        return shortName;
    }

    /** A human-readable name for descriptions. */
    public String displayName() {
        return displayName;
    }

    /** The capability id, e.g. {@code CMS.26}. */
    public String capabilityId() {
        return capabilityId;
    }

    /**
     * Whether the module writes {@code /solution/{app}/{short}} resolving {@code /solution/{app}},
     * so that deploying it before Config fails fast.
     */
    public boolean registersWithConfig() {
        return registersWithConfig;
    }

    /** Looks a module up by short name; the error lists the valid names. */
    public static CmsModule fromShortName(String shortName) {
        for (CmsModule m : values()) {
            if (m.shortName.equals(shortName)) {
                return m;
            }
        }
        StringBuilder valid = new StringBuilder();
        for (CmsModule m : values()) {
            valid.append(valid.length() == 0 ? "" : ", ").append(m.shortName);
        }
        throw new IllegalArgumentException("Unknown module '" + shortName + "'. Valid modules: " + valid);
    }
}
