package io.cms.constructs;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.constructs.Node;

/**
 * The deployment's typed configuration, read once from CDK context ({@code -c key=value} or
 * {@code cdk.json}) and then the environment ({@code APP_UNIQUE_ID}, ...), validated before any
 * stack is built. A bad value fails synth with a message naming the parameter.
 *
 * @param appUniqueId the App Unique ID (3-10 chars, lower-case, starting with a letter)
 * @param identityProviderId the Auth Setup IdP id
 * @param vpcName the VPC module's name
 * @param lookup raw lookup for module-specific values (context first, then environment)
 */
public record CmsContext(String appUniqueId, String identityProviderId, String vpcName,
                         Function<String, String> lookup) {

    /**
     * The identity provider id: lower-case letters, digits and inner dashes, starting with a letter
     * (it starts the stack name {@code {idp}-auth-setup}), without the words Cognito refuses in a
     * domain prefix. Length {@value #IDENTITY_PROVIDER_ID_MIN_LENGTH}-{@value #IDENTITY_PROVIDER_ID_MAX_LENGTH}.
     */
    public static final String IDENTITY_PROVIDER_ID_PATTERN = "^(?=[a-z])((?!cognito|aws|amazon)[a-z0-9-])+(?<!-)$";
    public static final int IDENTITY_PROVIDER_ID_MIN_LENGTH = 3;
    public static final int IDENTITY_PROVIDER_ID_MAX_LENGTH = 20;
    /** The VPC name: letters, digits and dashes, starting with a letter (stack {@code {vpcName}-vpc}). */
    public static final String VPC_NAME_PATTERN = "^[A-Za-z][A-Za-z0-9-]{0,62}$";
    public static final int VPC_NAME_MIN_LENGTH = 1;
    /** Also in {@link #VPC_NAME_PATTERN}; CmsContextTest fails when the two disagree. */
    public static final int VPC_NAME_MAX_LENGTH = 63;

    private static final Pattern IDP = Pattern.compile(IDENTITY_PROVIDER_ID_PATTERN);
    private static final Pattern VPC_NAME = Pattern.compile(VPC_NAME_PATTERN);

    public CmsContext {
        AppUniqueId.validate(appUniqueId);
        if (!hasLength(identityProviderId, IDENTITY_PROVIDER_ID_MIN_LENGTH, IDENTITY_PROVIDER_ID_MAX_LENGTH)
                || !IDP.matcher(identityProviderId).matches()) {
            throw new IllegalArgumentException("Parameter identityProviderId must be " + IDENTITY_PROVIDER_ID_MIN_LENGTH
                    + "-" + IDENTITY_PROVIDER_ID_MAX_LENGTH + " lower-case letters, digits or inner dashes, start with a letter"
                    + " and must not contain 'aws', 'amazon' or 'cognito', got '" + identityProviderId + "'");
        }
        if (vpcName == null || !VPC_NAME.matcher(vpcName).matches()) { // the pattern holds the length limits
            throw new IllegalArgumentException("Parameter vpcName must be " + VPC_NAME_MIN_LENGTH + "-" + VPC_NAME_MAX_LENGTH
                    + " letters, digits or '-', starting with a letter (it starts the stack name {vpcName}-vpc), got '" + vpcName + "'");
        }
        Objects.requireNonNull(lookup, "lookup");
    }

    /** Reads the context of a CDK node, falling back to the process environment. */
    public static CmsContext from(Node node) {
        return from(key -> {
            Object value = node.tryGetContext(key);
            return value == null ? null : String.valueOf(value);
        }, System::getenv);
    }

    /** Reads from explicit maps (tests). */
    public static CmsContext of(Map<String, String> context) {
        return from(context::get, k -> null);
    }

    private static CmsContext from(Function<String, String> context, Function<String, String> env) {
        Function<String, String> lookup = key -> {
            String value = context.apply(key);
            if (value == null || value.isBlank()) {
                value = env.apply(toEnvName(key));
            }
            return value == null || value.isBlank() ? null : value.trim();
        };
        return new CmsContext(
                orDefault(lookup.apply("appUniqueId"), AppUniqueId.DEFAULT),
                orDefault(lookup.apply("identityProviderId"), "cms"),
                orDefault(lookup.apply("vpcName"), "cms-vpc"),
                lookup);
    }

    /** A module-specific value: context key, then its environment variable, then the default. */
    public String value(String key, String defaultValue) {
        return orDefault(lookup.apply(key), defaultValue);
    }

    /** A boolean value: true/false (case-insensitive), anything else names the parameter. */
    public boolean flag(String key, boolean defaultValue) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(raw)) {
            return true;
        }
        if ("false".equalsIgnoreCase(raw)) {
            return false;
        }
        throw new IllegalArgumentException("Parameter " + key + " must be true or false, got '" + raw + "'");
    }

    /** An integer value within [min, max]; errors name the parameter. */
    public int integer(String key, int defaultValue, int min, int max) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new IllegalArgumentException("Parameter " + key + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Parameter " + key + " must be an integer, got '" + raw + "'");
        }
    }

    /** {@code vpcCidr} becomes {@code VPC_CIDR}. */
    static String toEnvName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean hasLength(String value, int min, int max) {
        return value != null && value.length() >= min && value.length() <= max;
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }
}
