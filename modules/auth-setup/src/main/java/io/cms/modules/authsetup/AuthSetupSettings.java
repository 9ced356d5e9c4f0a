package io.cms.modules.authsetup;

import io.cms.constructs.CmsContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Auth Setup module's validated settings, from CDK context or the environment
 * ({@code createCognito} or {@code CREATE_COGNITO}, ...). Every error names its parameter.
 *
 * <p>These are synth-time values rather than CloudFormation parameters and conditions (the
 * original's {@code ShouldCreateCognitoResources} condition): with synth-time values the template
 * holds only the resources that will exist, physical names are plain strings that tests and
 * reviewers can read, and a bad value fails before anything is deployed.
 *
 * @param identityProviderId the IdP id every name is keyed by
 * @param createCognito whether to create the Cognito user pool, clients and domain
 * @param callbackUrls the users client's allowed redirect URLs (used only with Cognito)
 * @param existingSecretArns existing secrets to reuse instead of creating them (only without Cognito)
 */
public record AuthSetupSettings(String identityProviderId, boolean createCognito, List<String> callbackUrls,
                                Map<ConfigSecret, String> existingSecretArns) {

    /** The original's default callback URLs. */
    public static final String DEFAULT_CALLBACK_URLS = "https://example.com,https://localhost";

    /** Cognito accepts at most 100 callback URLs per app client, each at most 1024 characters. */
    static final int MAX_CALLBACK_URLS = 100;
    static final int MAX_CALLBACK_URL_LENGTH = 1024;

    /** A Secrets Manager secret ARN in any partition (aws, aws-cn, aws-us-gov, ...). */
    static final Pattern SECRET_ARN = Pattern.compile(
            "^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$");

    public AuthSetupSettings {
        callbackUrls = List.copyOf(callbackUrls);
        EnumMap<ConfigSecret, String> copy = new EnumMap<>(ConfigSecret.class);
        copy.putAll(existingSecretArns);
        existingSecretArns = Collections.unmodifiableMap(copy);
    }

    /** Reads and validates the settings. */
    public static AuthSetupSettings from(CmsContext context) {
        boolean createCognito = context.flag("createCognito", true);
        List<String> callbackUrls = callbackUrls(context.value("callbackUrls", DEFAULT_CALLBACK_URLS));
        Map<ConfigSecret, String> existing = new EnumMap<>(ConfigSecret.class);
        for (ConfigSecret secret : ConfigSecret.values()) {
            String arn = context.value(secret.arnParameter(), null);
            if (arn == null) {
                continue;
            }
            if (!SECRET_ARN.matcher(arn).matches()) {
                throw new IllegalArgumentException("Parameter " + secret.arnParameter()
                        + " must be a Secrets Manager secret ARN (arn:aws[-partition]:secretsmanager:<region>:<account>:secret:<name>),"
                        + " got '" + arn + "'");
            }
            if (createCognito) {
                // The original silently ignored the ARN here; refusing it avoids a deployment that
                // publishes a different secret than the operator asked for.
                throw new IllegalArgumentException("Parameter " + secret.arnParameter()
                        + " reuses an existing secret, which only works with createCognito=false"
                        + " (with Cognito the stack writes its own secrets)");
            }
            existing.put(secret, arn);
        }
        return new AuthSetupSettings(context.identityProviderId(), createCognito, callbackUrls, existing);
    }

    /** The existing secret ARN to publish for {@code secret}, if the operator gave one. */
    public Optional<String> existingArn(ConfigSecret secret) {
        return Optional.ofNullable(existingSecretArns.get(secret));
    }

    /** Whether the stack creates at least one secret (and so needs its encryption key). */
    public boolean createsAnySecret() {
        return existingSecretArns.size() < ConfigSecret.values().length;
    }

    static List<String> callbackUrls(String raw) {
        List<String> urls = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String url = part.trim();
            if (url.isEmpty()) {
                throw new IllegalArgumentException("Parameter callbackUrls must be a comma-separated list of absolute URLs"
                        + " without empty entries, got '" + raw + "'");
            }
            urls.add(validCallbackUrl(url));
        }
        if (urls.size() > MAX_CALLBACK_URLS) {
            throw new IllegalArgumentException("Parameter callbackUrls has " + urls.size()
                    + " URLs; a Cognito app client accepts at most " + MAX_CALLBACK_URLS);
        }
        return urls;
    }

    /**
     * The rules Cognito applies to callback URLs, checked at synth so a bad one never reaches a
     * deployment: absolute, no fragment, HTTPS except for {@code http://localhost} (custom app
     * schemes such as {@code myapp://callback} are allowed for native apps).
     */
    private static String validCallbackUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Parameter callbackUrls contains '" + url + "', which is not a valid URL: "
                    + e.getReason());
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw new IllegalArgumentException("Parameter callbackUrls contains '" + url
                    + "', which is not an absolute URL like https://app.example.com/callback");
        }
        if (url.length() > MAX_CALLBACK_URL_LENGTH) {
            throw new IllegalArgumentException("Parameter callbackUrls contains a URL longer than "
                    + MAX_CALLBACK_URL_LENGTH + " characters");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("Parameter callbackUrls contains '" + url
                    + "'; Cognito refuses callback URLs with a fragment (#...)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("https") || scheme.equals("http")) && (uri.getHost() == null || uri.getHost().isEmpty())) {
            throw new IllegalArgumentException("Parameter callbackUrls contains '" + url + "', which has no host");
        }
        if (scheme.equals("http") && !"localhost".equalsIgnoreCase(uri.getHost())) {
            throw new IllegalArgumentException("Parameter callbackUrls contains '" + url
                    + "'; Cognito allows plain http only for localhost, use https");
        }
        return url;
    }
}
