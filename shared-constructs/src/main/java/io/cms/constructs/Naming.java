package io.cms.constructs;

/**
 * The one place physical names and SSM paths are made. Every module uses it so names stay
 * interoperable with the original CMS: Lambdas {@code {app}-{short}-{name}}, IoT rules
 * {@code {app}_{short}_{name}} (dashes become underscores, as IoT requires), secrets
 * {@code {app}/{short}/{name}}, SSM {@code /solution/{app}/{short}/...}.
 */
public final class Naming {

    private final String appUniqueId;
    private final CmsModule module;

    public Naming(String appUniqueId, CmsModule module) {
        this.appUniqueId = AppUniqueId.validate(appUniqueId);
        this.module = module;
    }

    public String appUniqueId() {
        return appUniqueId;
    }

    public CmsModule module() {
        return module;
    }

    /** {@code {app}-{short}-{name}}, at most 64 characters (the Lambda limit). */
    public String lambdaName(String name) {
        return checkLength(appUniqueId + "-" + module.shortName() + "-" + name, 64, "Lambda function name");
    }

    /** A generic resource name in the Lambda pattern, e.g. tables, queues, roles. */
    public String resourceName(String name) {
        return appUniqueId + "-" + module.shortName() + "-" + name;
    }

    /** {@code {app}_{short}_{name}} with dashes turned into underscores. */
    public String iotRuleName(String name) {
        return checkLength((appUniqueId + "_" + module.shortName() + "_" + name).replace('-', '_'), 128, "IoT rule name");
    }

    /** {@code {app}/{short}/{name}}. */
    public String secretName(String name) {
        return appUniqueId + "/" + module.shortName() + "/" + name;
    }

    /** {@code /solution/{app}}: the Config registration parameter. */
    public String appParameter() {
        return "/solution/" + appUniqueId;
    }

    /** {@code /solution/{app}/{short}}: this module's registration parameter. */
    public String moduleParameter() {
        return appParameter() + "/" + module.shortName();
    }

    /** {@code /solution/{app}/{short}/{relative}}. */
    public String ssmPath(String relative) {
        return moduleParameter() + "/" + trimSlashes(relative);
    }

    /** An SSM path of another module: {@code /solution/{app}/{other}/{relative}}. */
    public String ssmPathOf(CmsModule other, String relative) {
        return appParameter() + "/" + other.shortName() + "/" + trimSlashes(relative);
    }

    private static String trimSlashes(String relative) {
        String r = relative;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        if (r.isEmpty()) {
            throw new IllegalArgumentException("SSM relative path must not be empty");
        }
        return r;
    }

    private static String checkLength(String name, int max, String what) {
        if (name.length() > max) {
            throw new IllegalArgumentException(what + " '" + name + "' is longer than " + max + " characters");
        }
        return name;
    }
}
