package io.cms.auth;

import io.cms.lambda.common.ConfigurationException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Auth Setup IdP-config secret ({@code /solution/auth/{idp}/idp-config}).
 *
 * @param issDomain the issuer without scheme, e.g. {@code cognito-idp.{region}.amazonaws.com/{poolId}}
 * @param alternateAudKey the claim holding the audience when a token has no {@code aud} (Cognito
 *        access tokens: {@code client_id}); empty when none
 * @param auds the accepted audiences (client ids)
 * @param scopes the scopes of which a token must carry at least one
 */
public record IdpConfig(String issDomain, String alternateAudKey, Set<String> auds, Set<String> scopes) {

    public IdpConfig {
        auds = Set.copyOf(auds);
        scopes = Set.copyOf(scopes);
    }

    /** Parses the secret JSON strictly; an unfilled (empty-mode) secret is a configuration error. */
    public static IdpConfig parse(String secretJson, String source) {
        Map<String, Object> node;
        try {
            node = LightJson.parseObject(secretJson);
        } catch (ParseException e) {
            throw new ConfigurationException("IdP config " + source + " is not JSON: " + e.getMessage()
                    + " (expected an object with iss_domain, alternate_aud_key, auds, scopes)");
        }
        String issDomain = text(node, "iss_domain", source);
        if (issDomain.isBlank()) {
            throw new ConfigurationException("IdP config " + source + " has an empty iss_domain; fill the secret with"
                    + " the identity provider's issuer (see docs/modules/auth-setup.md)");
        }
        if (issDomain.contains("://") || issDomain.endsWith("/")) {
            throw new ConfigurationException("IdP config " + source + ": iss_domain must be the issuer without scheme"
                    + " and without a trailing slash, got '" + issDomain + "'");
        }
        return new IdpConfig(issDomain, text(node, "alternate_aud_key", source), strings(node, "auds", source),
                strings(node, "scopes", source));
    }

    private static String text(Map<String, Object> node, String field, String source) {
        if (!(node.get(field) instanceof String v)) {
            throw new ConfigurationException("IdP config " + source + " needs a string field '" + field + "'");
        }
        return v.trim();
    }

    private static Set<String> strings(Map<String, Object> node, String field, String source) {
        if (!(node.get(field) instanceof List<?> values)) {
            throw new ConfigurationException("IdP config " + source + " needs an array of strings '" + field + "'");
        }
        List<String> out = new ArrayList<>();
        for (Object item : values) {
            if (!(item instanceof String s)) {
                throw new ConfigurationException("IdP config " + source + ": '" + field + "' must hold only strings");
            }
            out.add(s);
        }
        return Set.copyOf(out);
    }
}
