package io.cms.modules.authsetup;

import io.cms.lambda.common.AuthSetupScopes;
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
import java.util.Set;
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
 * @param callbackUrls the users client's allowed redirect URLs (used only with Cognito); default
 *     {@value #DEFAULT_CALLBACK_URLS}
 * @param existingSecretArns existing secrets to reuse instead of creating them (only without Cognito)
 */
public record AuthSetupSettings(String identityProviderId, boolean createCognito, List<String> callbackUrls,
                                Map<ConfigSecret, String> existingSecretArns) {

    /**
     * The callback URL when none is configured ({@link AuthSetupScopes#DEFAULT_CALLBACK_URL}). The
     * original's {@code https://example.com} is now refused at synth.
     */
    public static final String DEFAULT_CALLBACK_URLS = AuthSetupScopes.DEFAULT_CALLBACK_URL;

    /** How an operator sets the callback URLs; every callbackUrls error ends with it. */
    static final String HOW_TO_SET_CALLBACK_URLS = "; set your app's redirect URLs with -c callbackUrls=<url>[,<url>...]"
            + " (or the CALLBACK_URLS environment variable), e.g. https://<your app's host>/callback";

    /**
     * Hosts that can never be the deployer's: the example domains of RFC 2606/6761 and their
     * subdomains, and the reserved top-level domains {@code .example}, {@code .invalid}, {@code .test}.
     */
    private static final List<String> RESERVED_DOMAINS = List.of("example.com", "example.net", "example.org",
            "example", "invalid", "test");
    /** Schemes that would carry the authorization code in clear text, or point at no app. */
    private static final Set<String> CLEARTEXT_SCHEMES = Set.of("http", "ftp", "ws", "file");

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
                throw invalidCallbackUrls("must be a comma-separated list of absolute URLs without empty entries, got '"
                        + raw + "'");
            }
            urls.add(validCallbackUrl(url));
        }
        if (urls.size() > MAX_CALLBACK_URLS) {
            throw invalidCallbackUrls("has " + urls.size() + " URLs; a Cognito app client accepts at most "
                    + MAX_CALLBACK_URLS);
        }
        return urls;
    }

    /**
     * The rules Cognito applies to callback URLs, checked at synth so a bad one never reaches a
     * deployment (absolute, no fragment), plus the refusal of URLs that can never be the deployer's:
     * no cleartext or file scheme except plain {@code http} to {@code localhost} (the only loopback
     * host Cognito accepts over http), and no host under a reserved example domain. A native app's
     * own scheme ({@code com.acme.fleet:/cb}, RFC 8252) is accepted, as Cognito accepts it.
     */
    private static String validCallbackUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalidCallbackUrls("contains '" + url + "', which is not a valid URL: " + e.getReason());
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw invalidCallbackUrls("contains '" + url + "', which is not an absolute URL");
        }
        if (url.length() > MAX_CALLBACK_URL_LENGTH) {
            throw invalidCallbackUrls("contains a URL longer than " + MAX_CALLBACK_URL_LENGTH + " characters");
        }
        if (uri.getRawFragment() != null) {
            throw invalidCallbackUrls("contains '" + url + "'; Cognito refuses callback URLs with a fragment (#...)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if ((scheme.equals("https") || scheme.equals("http")) && host.isEmpty()) {
            throw invalidCallbackUrls("contains '" + url + "', which has no host");
        }
        if (CLEARTEXT_SCHEMES.contains(scheme) && !(scheme.equals("http") && host.equals("localhost"))) {
            throw invalidCallbackUrls("contains '" + url + "'; web callbacks must be https, plain http only for"
                    + " http://localhost[:port]/... (an app on your own machine); a native app may use its own"
                    + " scheme (com.example.app:/cb)");
        }
        String reserved = reservedDomain(host);
        if (reserved != null) {
            throw invalidCallbackUrls("contains '" + url + "', whose host is under the reserved domain '" + reserved
                    + "' (RFC 2606/6761), so it can never be your app");
        }
        return url;
    }

    /** The reserved domain {@code host} is (or is under), or null. A trailing dot is ignored. */
    static String reservedDomain(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        for (String domain : RESERVED_DOMAINS) {
            if (h.equals(domain) || h.endsWith("." + domain)) {
                return domain;
            }
        }
        return null;
    }

    private static IllegalArgumentException invalidCallbackUrls(String problem) {
        return new IllegalArgumentException("Parameter callbackUrls " + problem + HOW_TO_SET_CALLBACK_URLS);
    }
}
