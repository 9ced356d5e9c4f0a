package io.cms.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.TtlCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchanges an OAuth 2.0 authorization code for the user's tokens at the identity provider's token
 * endpoint, authenticating the users client with HTTP Basic. {@code code_verifier} (PKCE) is sent
 * only when the caller gave a non-empty one (the original always sent it, empty without PKCE, and
 * some IdPs reject that). IdP 400 answers (e.g. {@code invalid_grant}) are the caller's problem:
 * 401 with the IdP's error code, except {@code invalid_client}/{@code unauthorized_client} and any
 * IdP 401, which blame the configured client (500); IdP 5xx, timeouts, network errors and an unreadable config are 500.
 * Neither tokens nor codes nor the client secret are ever logged.
 */
public final class AuthorizationCodeExchange {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeExchange.class);
    private static final Pattern ERROR_CODE = Pattern.compile("^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}$");
    static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** RFC 6749 errors that blame the client's configuration, not the caller's code. */
    private static final java.util.Set<String> CLIENT_ERRORS = java.util.Set.of("invalid_client", "unauthorized_client");

    private final AuthSecrets secrets;
    private final String parameterName;
    private final String secretArn;
    private final TtlCache<String, CodeFlowConfig> cache;
    private final Duration timeout;

    /** Reads the secret ARN from SSM. */
    public AuthorizationCodeExchange(AuthSecrets secrets, String identityProviderId, Duration configTtl,
                                     Duration timeout, Clock clock) {
        this(secrets, identityProviderId, null, configTtl, timeout, clock);
    }

    /**
     * @param secretArn the authorization-code-flow secret ARN when known (skips the SSM read), or null
     */
    public AuthorizationCodeExchange(AuthSecrets secrets, String identityProviderId, String secretArn,
                                     Duration configTtl, Duration timeout, Clock clock) {
        this.secrets = secrets;
        this.parameterName = parameterName(identityProviderId);
        this.secretArn = secretArn == null || secretArn.isBlank() ? null : secretArn.trim();
        this.cache = new TtlCache<>(configTtl, clock, 1);
        this.timeout = timeout;
    }

    /** {@code /solution/auth/{idp}/authorization-code-flow/config/secret/arn}. */
    public static String parameterName(String identityProviderId) {
        return "/solution/auth/" + identityProviderId + "/authorization-code-flow/config/secret/arn";
    }

    /**
     * Exchanges the code.
     *
     * @param code the authorization code (required)
     * @param redirectUri the redirect URI of the authorization request (required)
     * @param codeVerifier the PKCE verifier (required: a code obtained without PKCE is refused with 400)
     */
    public ExchangeResult exchange(String code, String redirectUri, String codeVerifier) {
        if (code == null || code.isBlank()) {
            return ExchangeResult.failure(400, "AuthorizationCode is required");
        }
        if (redirectUri == null || redirectUri.isBlank()) {
            return ExchangeResult.failure(400, "RedirectUri is required");
        }
        if (codeVerifier == null || codeVerifier.isBlank()) {
            // Without PKCE an intercepted code could be redeemed by anyone who reaches this Lambda.
            return ExchangeResult.failure(400, "CodeVerifier is required: the authorization code flow must use PKCE"
                    + " (S256 code_challenge at the authorize endpoint, its code_verifier here)");
        }
        CodeFlowConfig config;
        try {
            config = cache.get(parameterName, name -> {
                String arn = secretArn != null ? secretArn : secrets.parameter(name);
                return CodeFlowConfig.parse(secrets.secret(arn), "secret " + arn);
            });
        } catch (ConfigurationException e) {
            LOG.error("authorization code exchange unavailable: {}", e.getMessage());
            return ExchangeResult.failure(500, "Authorization code exchange unavailable: identity provider"
                    + " configuration cannot be read");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", config.clientId());
        form.put("redirect_uri", redirectUri);
        form.put("code", code);
        form.put("code_verifier", codeVerifier);
        try {
            return post(config, encode(form));
        } catch (SocketTimeoutException e) {
            LOG.error("token endpoint {} timed out after {} ms", config.tokenEndpoint(), timeout.toMillis());
            return ExchangeResult.failure(500, "The identity provider did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            LOG.error("token endpoint {} unreachable: {}", config.tokenEndpoint(), e.toString());
            return ExchangeResult.failure(500, "The identity provider cannot be reached");
        }
    }

    private ExchangeResult post(CodeFlowConfig config, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) config.tokenEndpoint().toURL().openConnection();
        c.setConnectTimeout((int) timeout.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        c.setRequestProperty("Accept", "application/json");
        c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (urlEncode(config.clientId()) + ":" + urlEncode(config.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            int status = c.getResponseCode();
            String text = read(status >= 400 ? c.getErrorStream() : c.getInputStream());
            if (status == 200) {
                JsonNode tokens = parseObject(text);
                if (tokens == null || !tokens.hasNonNull("access_token")) {
                    LOG.error("token endpoint {} answered 200 without an access_token", config.tokenEndpoint());
                    return ExchangeResult.failure(500, "The identity provider's answer holds no access_token");
                }
                return ExchangeResult.success(tokens);
            }
            String error = errorCode(text);
            // RFC 6749 §5.2: a token endpoint answers 401 only for a failed client authentication.
            if (status == 401 || CLIENT_ERRORS.contains(error)) {
                error = status == 401 && !CLIENT_ERRORS.contains(error) ? "invalid_client" : error;
                // The IdP refused our client, not the user's code: the secret is wrong or the client misconfigured.
                LOG.error("token endpoint {} refused client {}: HTTP {} {}", config.tokenEndpoint(), config.clientId(),
                        status, error);
                return ExchangeResult.failure(500, "The identity provider refused the configured client (" + error
                        + "); check the authorization-code-flow secret");
            }
            if (status == 400) {
                LOG.info("token endpoint refused the code: HTTP {} {}", status, error);
                return ExchangeResult.failure(401, "The identity provider refused the authorization code: " + error);
            }
            LOG.error("token endpoint {} failed: HTTP {} {}", config.tokenEndpoint(), status, error);
            return ExchangeResult.failure(500, "The identity provider failed (HTTP " + status + "): " + error);
        } finally {
            c.disconnect();
        }
    }

    /** The RFC 6749 {@code error} of a response body, sanitised for messages and logs. */
    private static String errorCode(String body) {
        JsonNode node = parseObject(body);
        String code = node == null ? null : Json.optionalText(node, "error");
        return code != null && ERROR_CODE.matcher(code).matches() ? code : "unknown_error";
    }

    private static JsonNode parseObject(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node.isObject() ? node : null;
        } catch (BadInputException e) {
            return null;
        }
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new IOException("the token endpoint's answer exceeds " + MAX_RESPONSE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String encode(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(urlEncode(k)).append('=').append(urlEncode(v)));
        return sb.toString();
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
