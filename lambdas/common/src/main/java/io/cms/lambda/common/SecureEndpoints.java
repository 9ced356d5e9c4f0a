package io.cms.lambda.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Where client secrets, authorization codes and bearer tokens may be sent: https anywhere, plain
 * http only to loopback (CMS Local's endpoints). The one rule for every module that calls a token
 * or API endpoint from configuration (the vehicle-alarm Lambda, the auth code exchange).
 */
public final class SecureEndpoints {

    /** The exception to https, as error messages state it. */
    public static final String HTTP_ONLY_ON_LOOPBACK = "(http only on 127.0.0.1, localhost or ::1)";

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private SecureEndpoints() {
    }

    /** Whether {@code uri} is https with a host, or http to a loopback host. */
    public static boolean allowed(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        return "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && LOOPBACK.contains(host.toLowerCase()));
    }

    /**
     * {@code url} as a URI, if it is https or loopback http; {@code what} names the setting in the
     * error, e.g. {@code "JWKS_URL"}.
     *
     * @throws ConfigurationException if {@code url} is not a URL, or neither https nor loopback http
     */
    public static URI require(String url, String what) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(what + " is not a URL");
        }
        if (!allowed(uri)) {
            throw new ConfigurationException(what + " must be https " + HTTP_ONLY_ON_LOOPBACK + ", got " + describe(uri));
        }
        return uri;
    }

    /** {@code uri} for an error message, without any user info it may carry. */
    public static String describe(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }
}
