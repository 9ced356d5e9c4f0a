package io.cms.modules.authsetup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three identity-provider configuration secrets, with the names, JSON keys and SSM parameters
 * of the original CMS, so the Auth module and existing deployments read them unchanged. Names are
 * keyed by the identity provider id, not by the App Unique ID: several CMS deployments may share
 * one identity provider.
 */
public enum ConfigSecret {

    /** What a token must look like: issuer, audiences and scopes the Auth module accepts. */
    IDP_CONFIG("idp-config", "idpConfigSecretArn", "IdP",
            List.of("iss_domain", "alternate_aud_key", "auds", "scopes"), List.of("auds", "scopes")),

    /** The service (machine-to-machine) client used with the client-credentials grant. */
    SERVICE_CLIENT_CONFIG("client-config/default", "serviceClientConfigSecretArn", "ServiceClient",
            List.of("token_endpoint", "client_id", "client_secret", "audience"), List.of()),

    /** The users client used to exchange an authorization code for tokens. */
    AUTHORIZATION_CODE_FLOW_CONFIG("authorization-code-flow/config", "authorizationCodeExchangeConfigSecretArn",
            "AuthorizationCodeFlow", List.of("token_endpoint", "client_id", "client_secret"), List.of());

    private final String path;
    private final String arnParameter;
    private final String constructId;
    private final List<String> keys;
    private final List<String> listKeys;

    ConfigSecret(String path, String arnParameter, String constructId, List<String> keys, List<String> listKeys) {
        this.path = path;
        this.arnParameter = arnParameter;
        this.constructId = constructId;
        this.keys = keys;
        this.listKeys = listKeys;
    }

    /** {@code /solution/auth/{idp}/{path}}, e.g. {@code /solution/auth/cms/idp-config}. */
    public String secretName(String identityProviderId) {
        return "/solution/auth/" + identityProviderId + "/" + path;
    }

    /** The SSM parameter holding the secret's ARN: {@code <secret name>/secret/arn}. */
    public String arnParameterName(String identityProviderId) {
        return secretName(identityProviderId) + "/secret/arn";
    }

    /** The context key (or environment variable, upper snake case) naming an existing secret to reuse. */
    public String arnParameter() {
        return arnParameter;
    }

    /** A short construct id, stable once released. */
    public String constructId() {
        return constructId;
    }

    /** The JSON keys, in the original's order. */
    public List<String> keys() {
        return keys;
    }

    /**
     * The "fill in later" content: every key present, lists empty and strings empty, so an
     * operator edits values in place and the Auth module's strict parsing still finds every key.
     */
    public Map<String, Object> emptyContent() {
        Map<String, Object> content = new LinkedHashMap<>();
        for (String key : keys) {
            content.put(key, listKeys.contains(key) ? List.of() : "");
        }
        return content;
    }
}
