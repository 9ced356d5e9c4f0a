package io.cms.auth.testutils;

import io.cms.auth.IdpConfigProvider;
import io.cms.auth.TokenValidator;
import io.cms.auth.ValidatorSettings;
import io.cms.local.oidc.LocalOidcIssuer;
import io.cms.lambda.common.AuthSetupScopes;
import java.time.Clock;
import java.util.Set;

/**
 * A started {@link LocalOidcIssuer} and the Auth Setup secrets describing it, so tests run the real
 * validator over loopback HTTP.
 */
public final class AuthFixture implements AutoCloseable {

    public static final String IDP = "cms";

    public final LocalOidcIssuer issuer;
    public final InMemoryAuthSecrets secrets = new InMemoryAuthSecrets();

    public AuthFixture() {
        issuer = LocalOidcIssuer.create().start();
        secrets.put(IdpConfigProvider.parameterName(IDP), issuer.idpConfigSecretJson());
    }

    /** Settings for the loopback issuer (http scheme), otherwise the defaults. */
    public ValidatorSettings settings() {
        return ValidatorSettings.defaults().withIssuerScheme("http");
    }

    public TokenValidator validator() {
        return validator(settings(), Clock.systemUTC());
    }

    public TokenValidator validator(ValidatorSettings settings, Clock clock) {
        return TokenValidator.create(secrets, IDP, settings, clock);
    }

    /** A valid user access token. */
    public String userToken(String username) {
        return issuer.mintAccessToken(username, username + "@example.com", Set.of(AuthSetupScopes.userScope(IDP)));
    }

    /** A valid service access token. */
    public String serviceToken() {
        return issuer.mintServiceToken(Set.of(AuthSetupScopes.serviceScope(IDP)));
    }

    @Override
    public void close() {
        issuer.close();
    }
}
