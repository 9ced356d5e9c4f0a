package io.cms.local.oidc;

import io.cms.lambda.common.AuthSetupScopes;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local OpenID Connect issuer for tests and CMS Local, shaped like an Amazon Cognito user pool.
 * It listens on 127.0.0.1 only and serves:
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration} and {@code GET /.well-known/jwks.json};</li>
 *   <li>{@code POST /oauth2/token} with HTTP Basic client authentication, grants
 *       {@code client_credentials} and {@code authorization_code} (with its {@code code_verifier});</li>
 *   <li>{@code GET /oauth2/authorize}: issues a code for the user named in the {@code username}
 *       parameter <em>without any login</em>, only with a PKCE {@code code_challenge} and
 *       {@code code_challenge_method=S256} (as the AWS code-exchange Lambda requires). It exists for
 *       local development only and is the reason this issuer must never be reachable from another
 *       machine.</li>
 * </ul>
 * Access tokens carry {@code iss, sub, client_id, scope, token_use=access, username, exp, iat,
 * auth_time, jti} and a {@code kid} header; user access tokens also carry {@code email} (as a Cognito
 * pre-token-generation trigger would add it). ID tokens carry {@code aud, email, cognito:username}.
 *
 * <p>Tests mint tokens directly with {@link #mintAccessToken}, {@link #mintServiceToken} and, for
 * attack tests, {@link #sign(JWSHeader, JWTClaimsSet)} / {@link #sign(RSAKey, JWSHeader, JWTClaimsSet)}.
 */
public final class LocalOidcIssuer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalOidcIssuer.class);
    private static final Duration CODE_TTL = Duration.ofMinutes(5);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** An RFC 7636 S256 challenge: BASE64URL of a SHA-256 hash, without padding (43 characters). */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private record PendingCode(String clientId, String redirectUri, String username, String email, Set<String> scopes,
                               String codeChallenge, String nonce, Instant expiresAt) {
    }

    private final int requestedPort;
    private final String identityProviderId;
    private final RSAKey signingKey;
    private final Duration tokenTtl;
    private final Clock clock;
    private final Map<String, OidcClient> clients;
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private HttpServer server;
    private ExecutorService executor;

    private LocalOidcIssuer(Builder b) {
        this.requestedPort = b.port;
        this.identityProviderId = b.identityProviderId;
        this.signingKey = b.signingKey != null ? b.signingKey
                : b.keyDirectory != null ? SigningKeys.loadOrCreate(b.keyDirectory) : SigningKeys.generate();
        this.tokenTtl = b.tokenTtl;
        this.clock = b.clock;
        Map<String, OidcClient> all = new LinkedHashMap<>();
        all.put(usersClientId(identityProviderId), new OidcClient(usersClientId(identityProviderId), b.usersClientSecret,
                Set.of(OidcClient.AUTHORIZATION_CODE), Set.of("email", "openid", AuthSetupScopes.userScope(identityProviderId)),
                b.redirectUris));
        all.put(serviceClientId(identityProviderId), new OidcClient(serviceClientId(identityProviderId),
                b.serviceClientSecret, Set.of(OidcClient.CLIENT_CREDENTIALS), Set.of(AuthSetupScopes.serviceScope(identityProviderId)),
                Set.of()));
        for (OidcClient c : b.extraClients) {
            all.put(c.clientId(), c);
        }
        this.clients = Map.copyOf(all);
    }

    /** A builder; every setting has a default suitable for tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** An issuer with every default (ephemeral port, fresh key, identity provider {@code cms}). */
    public static LocalOidcIssuer create() {
        return builder().build();
    }

    /**
     * The users client id: Auth Setup's name for the Cognito client, {@code {idp}-users-client}
     * ({@link AuthSetupScopes#usersClientName}); an invalid {@code idp} is an IllegalArgumentException.
     */
    public static String usersClientId(String idp) {
        return AuthSetupScopes.usersClientName(idp);
    }

    /**
     * The service client id: Auth Setup's name for the Cognito client, {@code {idp}-service-client}
     * ({@link AuthSetupScopes#serviceClientName}); an invalid {@code idp} is an IllegalArgumentException.
     */
    public static String serviceClientId(String idp) {
        return AuthSetupScopes.serviceClientName(idp);
    }

    /** Starts listening on 127.0.0.1; returns this issuer. */
    public synchronized LocalOidcIssuer start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + requestedPort
                    + " for the local OIDC issuer (is the port in use?)", e);
        }
        server.createContext("/", this::handle);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-oidc");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("local OIDC issuer listening at {} (kid {})", issuerUrl(), signingKey.getKeyID());
        return this;
    }

    /** Stops the server. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
            executor = null;
        }
    }

    /** The port actually bound (after {@link #start()}). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("the local OIDC issuer is not started");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:{port}}: the {@code iss} of every token. */
    public String issuerUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The issuer without its scheme, the {@code iss_domain} of the Auth Setup IdP-config secret. */
    public String issuerDomain() {
        return "127.0.0.1:" + port();
    }

    public String jwksUrl() {
        return issuerUrl() + "/.well-known/jwks.json";
    }

    public String tokenEndpoint() {
        return issuerUrl() + "/oauth2/token";
    }

    public String authorizationEndpoint() {
        return issuerUrl() + "/oauth2/authorize";
    }

    public String identityProviderId() {
        return identityProviderId;
    }

    /** The users (authorization-code) client. */
    public OidcClient usersClient() {
        return clients.get(usersClientId(identityProviderId));
    }

    /** The service (client-credentials) client. */
    public OidcClient serviceClient() {
        return clients.get(serviceClientId(identityProviderId));
    }

    /** Every scope a client can obtain ({@code scopes_supported}); not all of them are accepted by the APIs. */
    public Set<String> allScopes() {
        Set<String> all = new LinkedHashSet<>();
        clients.values().forEach(c -> all.addAll(c.scopes()));
        return all;
    }

    /**
     * The scopes a token must carry one of, the {@code scopes} of the IdP-config secret: only the
     * resource-server scopes (user, service), as Auth Setup publishes them. {@code openid} and
     * {@code email} are not among them: a users-client token without the user scope is refused.
     */
    public List<String> acceptedScopes() {
        return List.of(AuthSetupScopes.userScope(identityProviderId), AuthSetupScopes.serviceScope(identityProviderId));
    }

    /**
     * The JSON of the Auth Setup IdP-config secret ({@code iss_domain, alternate_aud_key, auds,
     * scopes}) describing this issuer; {@code scopes} is {@link #acceptedScopes()}.
     */
    public String idpConfigSecretJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iss_domain", issuerDomain());
        m.put("alternate_aud_key", "client_id");
        m.put("auds", List.copyOf(clients.keySet()));
        m.put("scopes", acceptedScopes());
        return JSONObjectUtils.toJSONString(m);
    }

    /** The signing key, private part included (attack tests re-use its public part). */
    public RSAKey signingKey() {
        return signingKey;
    }

    /** The published JWKS (public keys only). */
    public JWKSet publicJwks() {
        return new JWKSet(signingKey.toPublicJWK());
    }

    /** A header as the issuer makes it: RS256, {@code typ} JWT and this key's {@code kid}. */
    public JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(signingKey.getKeyID());
    }

    /** The claims of a user access token issued now, to adjust for attack tests. */
    public JWTClaimsSet.Builder accessTokenClaims(String username, String email, Set<String> scopes) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuerUrl())
                .subject(subjectOf(username))
                .claim("client_id", usersClientId(identityProviderId))
                .claim("token_use", "access")
                .claim("scope", String.join(" ", scopes))
                .claim("auth_time", now.getEpochSecond())
                .claim("username", username)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tokenTtl)))
                .jwtID(UUID.randomUUID().toString());
        if (email != null) {
            b.claim("email", email);
        }
        return b;
    }

    /** A signed user access token (users client, the given scopes). */
    public String mintAccessToken(String username, String email, Set<String> scopes) {
        return sign(header().build(), accessTokenClaims(username, email, scopes).build());
    }

    /** A signed service access token as the client-credentials grant issues it ({@code sub = client_id}). */
    public String mintServiceToken(Set<String> scopes) {
        return sign(header().build(), serviceClaims(serviceClient(), scopes).build());
    }

    /** A signed ID token for the user, audience the users client. */
    public String mintIdToken(String username, String email) {
        return sign(header().build(), idTokenClaims(usersClientId(identityProviderId), username, email, null).build());
    }

    /** Signs {@code claims} under {@code header} with the issuer's key. */
    public String sign(JWSHeader header, JWTClaimsSet claims) {
        return sign(signingKey, header, claims);
    }

    /** Signs {@code claims} under {@code header} with any RSA key (e.g. an attacker's key with a stolen kid). */
    public static String sign(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign the token: " + e.getMessage(), e);
        }
    }

    /** Cognito subjects are UUIDs; a name-based UUID keeps a user's {@code sub} stable across restarts. */
    public static String subjectOf(String username) {
        return UUID.nameUUIDFromBytes(("cms-local-user:" + username).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private JWTClaimsSet.Builder serviceClaims(OidcClient client, Set<String> scopes) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(issuerUrl())
                .subject(client.clientId())
                .claim("client_id", client.clientId())
                .claim("token_use", "access")
                .claim("scope", String.join(" ", scopes))
                .claim("auth_time", now.getEpochSecond())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tokenTtl)))
                .jwtID(UUID.randomUUID().toString());
    }

    private JWTClaimsSet.Builder idTokenClaims(String clientId, String username, String email, String nonce) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuerUrl())
                .subject(subjectOf(username))
                .audience(clientId)
                .claim("token_use", "id")
                .claim("cognito:username", username)
                .claim("email", email)
                .claim("email_verified", true)
                .claim("auth_time", now.getEpochSecond())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tokenTtl)))
                .jwtID(UUID.randomUUID().toString());
        if (nonce != null) {
            b.claim("nonce", nonce);
        }
        return b;
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                switch (path) {
                    case "/.well-known/openid-configuration" -> {
                        requireMethod(method, "GET");
                        sendJson(exchange, 200, discovery());
                    }
                    case "/.well-known/jwks.json" -> {
                        requireMethod(method, "GET");
                        sendJson(exchange, 200, publicJwks().toJSONObject(true));
                    }
                    case "/oauth2/token" -> {
                        requireMethod(method, "POST");
                        sendJson(exchange, 200, token(exchange));
                    }
                    case "/oauth2/authorize" -> {
                        requireMethod(method, "GET");
                        String location = authorize(parseForm(exchange.getRequestURI().getRawQuery()));
                        exchange.getResponseHeaders().set("Location", location);
                        exchange.sendResponseHeaders(302, -1);
                    }
                    default -> throw new OAuthError(404, "not_found", "no such endpoint: " + path);
                }
            } catch (OAuthError e) {
                if (e.status() == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"local-oidc\"");
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", e.code());
                body.put("error_description", e.getMessage());
                sendJson(exchange, e.status(), body);
            } catch (RuntimeException e) {
                LOG.error("local OIDC issuer failed on {} {}", method, path, e);
                sendJson(exchange, 500, Map.of("error", "server_error", "error_description", "internal error"));
            }
        }
    }

    /** Authorization codes issued and not yet redeemed or purged (for tests). */
    int pendingCodeCount() {
        return codes.size();
    }

    private Map<String, Object> discovery() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuerUrl());
        m.put("authorization_endpoint", authorizationEndpoint());
        m.put("token_endpoint", tokenEndpoint());
        m.put("jwks_uri", jwksUrl());
        m.put("response_types_supported", List.of("code"));
        m.put("grant_types_supported", List.of(OidcClient.AUTHORIZATION_CODE, OidcClient.CLIENT_CREDENTIALS));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("scopes_supported", List.copyOf(allScopes()));
        return m;
    }

    private String authorize(Map<String, String> q) throws OAuthError {
        if (!"code".equals(q.get("response_type"))) {
            throw new OAuthError(400, "unsupported_response_type", "response_type must be 'code'");
        }
        OidcClient client = clients.get(required(q, "client_id"));
        if (client == null || !client.grantTypes().contains(OidcClient.AUTHORIZATION_CODE)) {
            throw new OAuthError(400, "unauthorized_client", "unknown client or client without the authorization_code grant");
        }
        String redirectUri = required(q, "redirect_uri");
        if (!client.redirectUris().contains(redirectUri)) {
            throw new OAuthError(400, "invalid_request", "redirect_uri is not registered for client " + client.clientId());
        }
        String username = required(q, "username");
        String email = q.getOrDefault("email", username + "@example.com");
        Set<String> scopes = scopes(q.get("scope"), client);
        String challenge = s256Challenge(q);
        Instant now = clock.instant();
        // Codes that were never redeemed would otherwise stay forever: drop the expired ones here.
        codes.values().removeIf(p -> now.isAfter(p.expiresAt()));
        String code = randomToken();
        codes.put(code, new PendingCode(client.clientId(), redirectUri, username, email, scopes, challenge,
                q.get("nonce"), now.plus(CODE_TTL)));
        StringBuilder location = new StringBuilder(redirectUri)
                .append(redirectUri.contains("?") ? '&' : '?')
                .append("code=").append(code);
        if (q.get("state") != null) {
            location.append("&state=").append(URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
        }
        return location.toString();
    }

    private Map<String, Object> token(HttpExchange exchange) throws OAuthError, IOException {
        OidcClient client = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            throw new OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
        }
        Map<String, String> form = parseForm(readBody(exchange.getRequestBody()));
        String grant = required(form, "grant_type");
        if (!grant.equals(OidcClient.CLIENT_CREDENTIALS) && !grant.equals(OidcClient.AUTHORIZATION_CODE)) {
            throw new OAuthError(400, "unsupported_grant_type", "grant_type '" + grant + "' is not supported");
        }
        if (!client.grantTypes().contains(grant)) {
            throw new OAuthError(400, "unauthorized_client", "client " + client.clientId() + " may not use " + grant);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        if (grant.equals(OidcClient.CLIENT_CREDENTIALS)) {
            Set<String> scopes = scopes(form.get("scope"), client);
            response.put("access_token", sign(header().build(), serviceClaims(client, scopes).build()));
        } else {
            String code = required(form, "code");
            String verifier = required(form, "code_verifier", "PKCE is required: send the code_verifier whose S256"
                    + " code_challenge started the flow at /oauth2/authorize");
            PendingCode pending = codes.remove(code);
            if (pending == null || !pending.clientId().equals(client.clientId())
                    || clock.instant().isAfter(pending.expiresAt())) {
                throw new OAuthError(400, "invalid_grant", "the authorization code is unknown, used, expired or"
                        + " issued to another client");
            }
            if (!pending.redirectUri().equals(form.get("redirect_uri"))) {
                throw new OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request");
            }
            if (!pending.codeChallenge().equals(s256(verifier))) {
                throw new OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge");
            }
            JWTClaimsSet.Builder access = accessTokenClaims(pending.username(), pending.email(), pending.scopes())
                    .claim("client_id", client.clientId());
            response.put("id_token", sign(header().build(),
                    idTokenClaims(client.clientId(), pending.username(), pending.email(), pending.nonce()).build()));
            response.put("access_token", sign(header().build(), access.build()));
        }
        response.put("token_type", "Bearer");
        response.put("expires_in", tokenTtl.toSeconds());
        return response;
    }

    private OidcClient authenticate(String authorization) throws OAuthError {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new OAuthError(401, "invalid_client", "HTTP Basic client authentication is required");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OAuthError(401, "invalid_client", "the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new OAuthError(401, "invalid_client", "the Basic credentials must be client_id:client_secret");
        }
        String id;
        String secret;
        try {
            id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OAuthError(401, "invalid_client", "the Basic credentials are not valid form-urlencoded text");
        }
        OidcClient client = clients.get(id);
        if (client == null || !MessageDigest.isEqual(client.clientSecret().getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            throw new OAuthError(401, "invalid_client", "unknown client or wrong secret");
        }
        return client;
    }

    private static Set<String> scopes(String requested, OidcClient client) throws OAuthError {
        if (requested == null || requested.isBlank()) {
            return client.scopes();
        }
        Set<String> scopes = new LinkedHashSet<>(List.of(requested.trim().split("\\s+")));
        for (String s : scopes) {
            if (!client.scopes().contains(s)) {
                throw new OAuthError(400, "invalid_scope", "scope '" + s + "' is not allowed for client " + client.clientId());
            }
        }
        return scopes;
    }

    private static String required(Map<String, String> params, String name) throws OAuthError {
        return required(params, name, null);
    }

    private static String required(Map<String, String> params, String name, String why) throws OAuthError {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            throw new OAuthError(400, "invalid_request", "parameter '" + name + "' is required"
                    + (why == null ? "" : "; " + why));
        }
        return v;
    }

    /**
     * The PKCE challenge every authorization request must carry (RFC 7636, OAuth 2.0 Security BCP):
     * {@code code_challenge} with {@code code_challenge_method=S256}. {@code plain} (also the RFC's
     * default when no method is given) is refused, as it does not protect an intercepted code.
     */
    private static String s256Challenge(Map<String, String> q) throws OAuthError {
        String challenge = required(q, "code_challenge", "PKCE is required: send code_challenge=BASE64URL(SHA-256("
                + "code_verifier)) with code_challenge_method=S256");
        String method = q.get("code_challenge_method");
        if (!"S256".equals(method)) {
            throw new OAuthError(400, "invalid_request", "code_challenge_method must be S256, got "
                    + (method == null ? "none (which means plain)" : "'" + method + "'"));
        }
        if (!S256_CHALLENGE.matcher(challenge).matches()) {
            throw new OAuthError(400, "invalid_request", "code_challenge must be the 43-character BASE64URL of the"
                    + " SHA-256 of the code_verifier, without padding");
        }
        return challenge;
    }

    private static void requireMethod(String actual, String expected) throws OAuthError {
        if (!expected.equals(actual)) {
            throw new OAuthError(405, "invalid_request", "use " + expected);
        }
    }

    /** RFC 7636 S256: BASE64URL(SHA-256(ASCII(verifier))). */
    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String readBody(InputStream in) throws IOException, OAuthError {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new OAuthError(413, "invalid_request", "the request body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A form body or query string; malformed percent-encoding is a 400 {@code invalid_request}. */
    static Map<String, String> parseForm(String raw) throws OAuthError {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k;
            String v;
            try {
                k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OAuthError(400, "invalid_request", "malformed percent-encoding in the parameters");
            }
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static void sendJson(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Settings of a {@link LocalOidcIssuer}. */
    public static final class Builder {
        private int port;
        private String identityProviderId = "cms";
        private Path keyDirectory;
        private RSAKey signingKey;
        private Duration tokenTtl = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        // Random unless set: a fixed default would be a publicly known secret for every stand-alone issuer.
        private String usersClientSecret = randomClientSecret();
        private String serviceClientSecret = randomClientSecret();
        private Set<String> redirectUris = Set.of(AuthSetupScopes.DEFAULT_CALLBACK_URL);
        private final java.util.List<OidcClient> extraClients = new java.util.ArrayList<>();

        /** Port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int v) {
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + v);
            }
            this.port = v;
            return this;
        }

        /** The Auth Setup identity provider id naming the clients and scopes; default {@code cms}. */
        public Builder identityProviderId(String v) { this.identityProviderId = Objects.requireNonNull(v); return this; }

        /** Keeps the signing key in this directory across restarts; default a fresh in-memory key. */
        public Builder keyDirectory(Path v) { this.keyDirectory = v; return this; }

        /** Uses this key (tests that restart an issuer with the same key). */
        public Builder signingKey(RSAKey v) { this.signingKey = v; return this; }

        /** Lifetime of issued tokens; default one hour (the Cognito default). */
        public Builder tokenTtl(Duration v) { this.tokenTtl = Objects.requireNonNull(v); return this; }

        /** The clock stamping {@code iat}/{@code exp}; default the system clock. */
        public Builder clock(Clock v) { this.clock = Objects.requireNonNull(v); return this; }

        /** The users client's secret; default a fresh random one per builder. */
        public Builder usersClientSecret(String v) { this.usersClientSecret = Objects.requireNonNull(v); return this; }

        /** The service client's secret; default a fresh random one per builder. */
        public Builder serviceClientSecret(String v) { this.serviceClientSecret = Objects.requireNonNull(v); return this; }

        /** Redirect URIs of the users client; default {@link AuthSetupScopes#DEFAULT_CALLBACK_URL} (Auth Setup's default). */
        public Builder redirectUris(Set<String> v) { this.redirectUris = Set.copyOf(v); return this; }

        /** Registers another client. */
        public Builder client(OidcClient v) { this.extraClients.add(v); return this; }

        public LocalOidcIssuer build() {
            return new LocalOidcIssuer(this);
        }
    }

    /** Runs the issuer stand-alone: {@code java io.cms.local.oidc.LocalOidcIssuer [port] [keyDirectory]}. */
    public static void main(String[] args) throws InterruptedException {
        Builder b = builder();
        if (args.length > 0) {
            b.port(Integer.parseInt(args[0]));
        }
        if (args.length > 1) {
            b.keyDirectory(Path.of(args[1]));
        }
        LocalOidcIssuer issuer = b.build().start();
        System.out.println(startupText(issuer));
        Runtime.getRuntime().addShutdownHook(new Thread(issuer::close));
        Thread.currentThread().join();
    }

    /** What {@link #main} prints: the issuer, its IdP-config secret and the (random) client credentials. */
    static String startupText(LocalOidcIssuer issuer) {
        return "issuer " + issuer.issuerUrl() + System.lineSeparator()
                + "idp-config secret " + issuer.idpConfigSecretJson() + System.lineSeparator()
                + "users client " + issuer.usersClient().clientId() + " secret " + issuer.usersClient().clientSecret()
                + System.lineSeparator()
                + "service client " + issuer.serviceClient().clientId() + " secret " + issuer.serviceClient().clientSecret();
    }

    private static final SecureRandom SECRET_RANDOM = new SecureRandom();

    /** 24 random bytes as hex, like CMS Local's per-data-dir client secrets. */
    static String randomClientSecret() {
        byte[] bytes = new byte[24];
        SECRET_RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
