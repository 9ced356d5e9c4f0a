package io.cms.local.oidc;

import java.util.Objects;
import java.util.Set;

/**
 * A client registered with the {@link LocalOidcIssuer}.
 *
 * @param clientId the client id (Cognito access tokens carry it as {@code client_id})
 * @param clientSecret the secret for HTTP Basic client authentication at the token endpoint
 * @param grantTypes {@code client_credentials} and/or {@code authorization_code}
 * @param scopes the scopes the client may obtain (the default when a request names none)
 * @param redirectUris the redirect URIs allowed for the authorization-code flow
 */
public record OidcClient(String clientId, String clientSecret, Set<String> grantTypes, Set<String> scopes,
                         Set<String> redirectUris) {

    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final String AUTHORIZATION_CODE = "authorization_code";

    public OidcClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        grantTypes = Set.copyOf(grantTypes);
        scopes = Set.copyOf(scopes);
        redirectUris = Set.copyOf(redirectUris);
        for (String grant : grantTypes) {
            if (!grant.equals(CLIENT_CREDENTIALS) && !grant.equals(AUTHORIZATION_CODE)) {
                throw new IllegalArgumentException("unsupported grant type '" + grant + "' for client " + clientId
                        + "; use " + CLIENT_CREDENTIALS + " or " + AUTHORIZATION_CODE);
            }
        }
    }
}
