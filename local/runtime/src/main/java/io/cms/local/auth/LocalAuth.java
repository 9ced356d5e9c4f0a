package io.cms.local.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.AuthSecrets;
import io.cms.auth.IdpConfigProvider;
import io.cms.auth.TokenValidator;
import io.cms.auth.ValidatorSettings;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.local.oidc.LocalOidcIssuer;
import io.cms.local.pki.SecretFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Authentication in CMS Local: the local OIDC issuer (Cognito-shaped tokens) and the Auth module's
 * AppSync authorizer, validating tokens exactly as in AWS. The IdP configuration the authorizer
 * reads from the Auth Setup secret in AWS is served from the running issuer; client secrets are
 * generated once per data directory and kept in {@code oidc/*-client.secret}.
 */
public final class LocalAuth implements AutoCloseable {

    /** Result TTL of the authorizer, as the AppSync authorizer construct configures it. */
    public static final Duration AUTHORIZER_TTL = Duration.ofSeconds(60);
    private static final int CLIENT_SECRET_BYTES = 24;

    private final LocalOidcIssuer issuer;
    private final AppSyncAuthorization authorization;

    private LocalAuth(LocalOidcIssuer issuer, AppSyncAuthorization authorization) {
        this.issuer = issuer;
        this.authorization = authorization;
    }

    /** Starts the issuer on 127.0.0.1:{@code port} with its keys and client secrets in {@code dir}. */
    public static LocalAuth start(Path dir, int port, String identityProviderId) {
        LocalOidcIssuer issuer = LocalOidcIssuer.builder().port(port).identityProviderId(identityProviderId)
                .keyDirectory(dir)
                .usersClientSecret(SecretFiles.loadOrCreateHex(dir.resolve("users-client.secret"), CLIENT_SECRET_BYTES))
                .serviceClientSecret(SecretFiles.loadOrCreateHex(dir.resolve("service-client.secret"), CLIENT_SECRET_BYTES))
                .build().start();
        String secretArn = "arn:aws:secretsmanager:local:000000000000:secret:" + identityProviderId + "-idp-config";
        AuthSecrets fromIssuer = new AuthSecrets() {
            @Override
            public String parameter(String name) {
                if (!name.equals(IdpConfigProvider.parameterName(identityProviderId))) {
                    throw new ConfigurationException("CMS Local has no SSM parameter " + name);
                }
                return secretArn;
            }

            @Override
            public String secret(String arn) {
                if (!arn.equals(secretArn)) {
                    throw new ConfigurationException("CMS Local has no secret " + arn);
                }
                return issuer.idpConfigSecretJson();
            }
        };
        TokenValidator validator = TokenValidator.create(fromIssuer, identityProviderId,
                ValidatorSettings.defaults().withIssuerScheme("http"), Clock.systemUTC());
        return new LocalAuth(issuer, new AppSyncAuthorization(validator, AUTHORIZER_TTL, Clock.systemUTC()));
    }

    /**
     * The authorizer: the {@code resolverContext} for a valid {@code Authorization} header value
     * ({@code Bearer <token>}), or null when it is denied.
     */
    public JsonNode authorize(String authorizationHeader) {
        Map<String, Object> response = authorization.authorize(authorizationHeader);
        if (!Boolean.TRUE.equals(response.get("isAuthorized"))) {
            return null;
        }
        return Json.MAPPER.valueToTree(response.get("resolverContext"));
    }

    public LocalOidcIssuer issuer() {
        return issuer;
    }

    @Override
    public void close() {
        issuer.close();
    }
}
