package io.cms.connectstore.alarm;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Where the client secret and bearer tokens may be sent: https anywhere, plain http only to
 * loopback (CMS Local's token and publish endpoints), as the auth Lambda's token endpoint rule.
 */
final class Endpoints {

    /** The exception to https, as error messages state it. */
    static final String HTTP_ONLY_ON_LOOPBACK = "(http only on 127.0.0.1, localhost or ::1)";

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private Endpoints() {
    }

    /** Whether {@code uri} is https with a host, or http to a loopback host. */
    static boolean allowed(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        return "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && LOOPBACK.contains(host.toLowerCase()));
    }

    /** {@code uri} for an error message, without any user info it may carry. */
    static String describe(URI uri) {
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
