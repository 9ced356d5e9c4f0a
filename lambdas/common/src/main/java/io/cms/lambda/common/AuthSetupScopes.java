package io.cms.lambda.common;

import java.util.regex.Pattern;

/**
 * The names of the two resource servers Auth Setup creates for identity provider {@code idp}, and of
 * their one scope each: the user scope {@code {idp}-user-resource-server/{idp}-user} that signed-in
 * users' tokens carry, and the service scope {@code {idp}-service-resource-server/{idp}-service}
 * that backend services' client-credentials tokens carry (users' tokens never do); and the names of
 * the two app clients that request them: the users client {@code {idp}-users-client} and the service
 * client {@code {idp}-service-client}.
 *
 * <p>The one place these names are built: Auth Setup's Cognito resources, the Alerts module's
 * default publish scope, the local OIDC issuer, CMS Local and the tests all use it (here, in the
 * module every one of them depends on).
 */
public final class AuthSetupScopes {

    /** What an identity provider id may be inside a scope: an OAuth scope token (RFC 6749, 3.3) without '/'. */
    private static final Pattern IDP = Pattern.compile("^[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]{1,128}$");

    /**
     * The users client's callback (redirect) URL when none is configured, in Auth Setup and in the
     * local OIDC issuer alike: an app on the deployer's own machine (port 3000, the usual
     * development-server port), never a placeholder host someone else may own.
     */
    public static final String DEFAULT_CALLBACK_URL = "http://localhost:3000/callback";

    private AuthSetupScopes() {
    }

    /** The service resource server's identifier: {@code {idp}-service-resource-server}. */
    public static String serviceResourceServer(String idp) {
        return resourceServer(idp, "service");
    }

    /** The service scope's name inside its resource server: {@code {idp}-service}. */
    public static String serviceScopeName(String idp) {
        return scopeName(idp, "service");
    }

    /** The full service scope, as tokens carry it: {@code {idp}-service-resource-server/{idp}-service}. */
    public static String serviceScope(String idp) {
        return resourceServer(idp, "service") + "/" + scopeName(idp, "service");
    }

    /** The user resource server's identifier: {@code {idp}-user-resource-server}. */
    public static String userResourceServer(String idp) {
        return resourceServer(idp, "user");
    }

    /** The user scope's name inside its resource server: {@code {idp}-user}. */
    public static String userScopeName(String idp) {
        return scopeName(idp, "user");
    }

    /** The full user scope, as tokens carry it: {@code {idp}-user-resource-server/{idp}-user}. */
    public static String userScope(String idp) {
        return resourceServer(idp, "user") + "/" + scopeName(idp, "user");
    }

    /**
     * The users app client's name: {@code {idp}-users-client} (authorization-code grant, user scope).
     * Cognito generates the client id; the local OIDC issuer uses this name as the id.
     */
    public static String usersClientName(String idp) {
        return clientName(idp, "users");
    }

    /**
     * The service app client's name: {@code {idp}-service-client} (client-credentials grant, service
     * scope). Cognito generates the client id; the local OIDC issuer uses this name as the id.
     */
    public static String serviceClientName(String idp) {
        return clientName(idp, "service");
    }

    private static String clientName(String idp, String audience) {
        return requireIdp(idp) + "-" + audience + "-client";
    }

    private static String resourceServer(String idp, String audience) {
        return requireIdp(idp) + "-" + audience + "-resource-server";
    }

    private static String scopeName(String idp, String audience) {
        return requireIdp(idp) + "-" + audience;
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
