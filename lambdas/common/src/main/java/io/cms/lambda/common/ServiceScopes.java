package io.cms.lambda.common;

import java.util.regex.Pattern;

/**
 * The names of the service resource server that Auth Setup creates for identity provider
 * {@code idp}, and of its one scope: the scope backend services' client-credentials tokens carry
 * (signed-in users' tokens never do), {@code {idp}-service-resource-server/{idp}-service}.
 *
 * <p>The one place these names are built: Auth Setup's Cognito resources, the Alerts module's
 * default publish scope, the local OIDC issuer and CMS Local all use it (here, in the module every
 * one of them depends on).
 */
public final class ServiceScopes {

    /** What an identity provider id may be inside a scope: an OAuth scope token (RFC 6749, 3.3) without '/'. */
    private static final Pattern IDP = Pattern.compile("^[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]{1,128}$");

    private ServiceScopes() {
    }

    /** The service resource server's identifier: {@code {idp}-service-resource-server}. */
    public static String resourceServer(String idp) {
        return requireIdp(idp) + "-service-resource-server";
    }

    /** The service scope's name inside its resource server: {@code {idp}-service}. */
    public static String scopeName(String idp) {
        return requireIdp(idp) + "-service";
    }

    /** The full service scope, as tokens carry it: {@code {idp}-service-resource-server/{idp}-service}. */
    public static String scope(String idp) {
        return resourceServer(idp) + "/" + scopeName(idp);
    }

    private static String requireIdp(String idp) {
        if (idp == null || !IDP.matcher(idp).matches()) {
            throw new IllegalArgumentException("identity provider id must be 1-128 printable ASCII characters"
                    + " without spaces, '/', quotes or backslashes (got "
                    + (idp == null ? "null" : "'" + Printable.clip(idp, 64) + "'") + ")");
        }
        return idp;
    }
}
