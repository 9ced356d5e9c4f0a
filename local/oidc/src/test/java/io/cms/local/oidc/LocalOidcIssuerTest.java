package io.cms.local.oidc;

import io.cms.lambda.common.AuthSetupScopes;
import io.cms.lambda.common.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalOidcIssuerTest {

    private static final String REDIRECT = AuthSetupScopes.DEFAULT_CALLBACK_URL;
    private static final String REDIRECT_PARAM = "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
    private static final String VERIFIER = "a-verifier-of-sufficient-length-0123456789abcdef";
    private static final String CHALLENGE = LocalOidcIssuer.s256(VERIFIER);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private LocalOidcIssuer issuer;

    @BeforeEach
    void start() {
        issuer = LocalOidcIssuer.create().start();
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    @Test
    void defaultClientSecretsAreRandomPerIssuer() {
        LocalOidcIssuer other = LocalOidcIssuer.create();
        Set<String> secrets = Set.of(issuer.usersClient().clientSecret(), issuer.serviceClient().clientSecret(),
                other.usersClient().clientSecret(), other.serviceClient().clientSecret());
        assertThat(secrets).hasSize(4).allSatisfy(s -> assertThat(s).matches("[0-9a-f]{48}"));
    }

    @Test
    void standAloneStartupTextShowsTheGeneratedClientSecrets() {
        assertThat(LocalOidcIssuer.startupText(issuer))
                .contains("issuer " + issuer.issuerUrl())
                .contains("users client cms-users-client secret " + issuer.usersClient().clientSecret())
                .contains("service client cms-service-client secret " + issuer.serviceClient().clientSecret());
    }

    @Test
    void discoveryNamesTheEndpointsOfThisIssuer() throws Exception {
        Map<String, Object> doc = json(get(issuer.issuerUrl() + "/.well-known/openid-configuration").body());
        assertThat(doc).containsEntry("issuer", issuer.issuerUrl())
                .containsEntry("jwks_uri", issuer.jwksUrl())
                .containsEntry("token_endpoint", issuer.tokenEndpoint());
    }

    @Test
    void jwksPublishesOnlyThePublicKey() throws Exception {
        JWKSet set = JWKSet.parse(get(issuer.jwksUrl()).body());
        assertThat(set.getKeys()).hasSize(1);
        assertThat(set.getKeys().get(0).isPrivate()).isFalse();
        assertThat(set.getKeys().get(0).getKeyID()).isEqualTo(issuer.signingKey().getKeyID());
    }

    @Test
    void clientCredentialsIssuesCognitoShapedServiceToken() throws Exception {
        OidcClient c = issuer.serviceClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()), "grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(200);
        SignedJWT jwt = verified((String) json(r.body()).get("access_token"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuer.signingKey().getKeyID());
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer.issuerUrl());
        assertThat(claims.getSubject()).isEqualTo(c.clientId());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(c.clientId());
        assertThat(claims.getStringClaim("token_use")).isEqualTo("access");
        assertThat(claims.getStringClaim("scope")).isEqualTo(AuthSetupScopes.serviceScope("cms"));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
    }

    @Test
    void clientCredentialsRejectsWrongSecretWithInvalidClient() throws Exception {
        HttpResponse<String> r = token(basic(issuer.serviceClient().clientId(), "wrong"), "grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r.body())).containsEntry("error", "invalid_client");
    }

    @Test
    void clientCredentialsRejectsScopeTheClientDoesNotHave() throws Exception {
        OidcClient c = issuer.serviceClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()), "grant_type=client_credentials&scope=openid");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_scope");
    }

    @Test
    void authorizationCodeWithPkceIssuesAccessAndIdTokensForTheUser() throws Exception {
        HttpResponse<String> r = redeem(authorize("alice", "alice@example.com"), VERIFIER);
        OidcClient c = issuer.usersClient();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> body = json(r.body());
        var access = verified((String) body.get("access_token")).getJWTClaimsSet();
        assertThat(access.getStringClaim("username")).isEqualTo("alice");
        assertThat(access.getSubject()).isEqualTo(LocalOidcIssuer.subjectOf("alice"));
        assertThat(access.getStringClaim("client_id")).isEqualTo(c.clientId());
        var id = verified((String) body.get("id_token")).getJWTClaimsSet();
        assertThat(id.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(id.getAudience()).containsExactly(c.clientId());
    }

    @Test
    void authorizationCodeRejectsWrongVerifier() throws Exception {
        HttpResponse<String> r = redeem(authorize("bob", "bob@example.com"), "another-verifier-0123456789-0123456789");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void authorizationCodeCanBeRedeemedOnlyOnce() throws Exception {
        String code = authorize("carol", "carol@example.com");
        assertThat(redeem(code, VERIFIER).statusCode()).isEqualTo(200);
        HttpResponse<String> again = redeem(code, VERIFIER);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void malformedPercentEncodingInTheFormIsInvalidRequest() throws Exception {
        OidcClient c = issuer.serviceClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()), "grant_type=client_credentials&scope=%zz");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_request");
    }

    @Test
    void malformedPercentEncodingInBasicCredentialsIsInvalidClient() throws Exception {
        HttpResponse<String> r = token(basic(issuer.serviceClient().clientId(), "100%"), "grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r.body())).containsEntry("error", "invalid_client");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void expiredCodesAreRefusedAndPurgedOnTheNextAuthorize() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        issuer.close();
        issuer = LocalOidcIssuer.builder().clock(clock).build().start();
        String expired = authorize("erin", "erin@example.com");
        String purged = authorize("frank", "frank@example.com");
        assertThat(issuer.pendingCodeCount()).isEqualTo(2);
        clock.advance(java.time.Duration.ofMinutes(6));
        HttpResponse<String> r = redeem(expired, VERIFIER);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_grant");
        assertThat(issuer.pendingCodeCount()).isEqualTo(1);
        String fresh = authorize("gina", "gina@example.com");
        assertThat(issuer.pendingCodeCount()).as("the expired code %s is purged", purged).isEqualTo(1);
        assertThat(redeem(fresh, VERIFIER).statusCode()).isEqualTo(200);
    }

    @Test
    void authorizeRefusesUnregisteredRedirectUri() throws Exception {
        HttpResponse<String> r = get(issuer.authorizationEndpoint() + "?response_type=code&client_id="
                + issuer.usersClient().clientId() + "&redirect_uri=https%3A%2F%2Fevil.example&username=alice"
                + "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void theUsersClientRedirectsByDefaultOnlyToAuthSetupsDefaultCallbackUrl() {
        assertThat(issuer.usersClient().redirectUris()).containsExactly("http://localhost:3000/callback");
    }

    @Test
    void authorizeWithoutCodeChallengeIsRefused() throws Exception {
        assertAuthorizeRefused("", "parameter 'code_challenge' is required; PKCE is required");
        assertAuthorizeRefused("&code_challenge_method=S256", "parameter 'code_challenge' is required");
    }

    @Test
    void authorizeWithThePlainMethodIsRefused() throws Exception {
        assertAuthorizeRefused("&code_challenge=" + VERIFIER + "&code_challenge_method=plain",
                "code_challenge_method must be S256, got 'plain'");
        // Without a method RFC 7636 means plain.
        assertAuthorizeRefused("&code_challenge=" + CHALLENGE, "code_challenge_method must be S256, got none");
    }

    @Test
    void authorizeRefusesAChallengeThatIsNoS256Hash() throws Exception {
        assertAuthorizeRefused("&code_challenge=" + VERIFIER + "&code_challenge_method=S256",
                "code_challenge must be the 43-character BASE64URL");
        assertAuthorizeRefused("&code_challenge=" + CHALLENGE + "%3D&code_challenge_method=S256",
                "code_challenge must be the 43-character BASE64URL");
    }

    @Test
    void tokenExchangeWithoutCodeVerifierIsRefused() throws Exception {
        String code = authorize("hank", "hank@example.com");
        for (String missing : new String[] {"", "&code_verifier="}) {
            OidcClient c = issuer.usersClient();
            HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()),
                    "grant_type=authorization_code&code=" + code + REDIRECT_PARAM + missing);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r.body())).containsEntry("error", "invalid_request").doesNotContainKey("access_token");
            assertThat((String) json(r.body()).get("error_description"))
                    .startsWith("parameter 'code_verifier' is required; PKCE is required");
        }
    }

    @Test
    void mintedAccessTokenCarriesUserScopesAndEmail() throws Exception {
        String token = issuer.mintAccessToken("dave", "dave@example.com", Set.of(AuthSetupScopes.userScope("cms")));
        var claims = verified(token).getJWTClaimsSet();
        assertThat(claims.getStringClaim("scope")).isEqualTo("cms-user-resource-server/cms-user");
        assertThat(claims.getStringClaim("email")).isEqualTo("dave@example.com");
        assertThat(claims.getStringClaim("username")).isEqualTo("dave");
    }

    @Test
    void keyDirectoryKeepsTheSigningKeyAcrossRestarts(@TempDir Path dir) throws Exception {
        RSAKey first;
        try (LocalOidcIssuer a = LocalOidcIssuer.builder().keyDirectory(dir).build().start()) {
            first = a.signingKey();
        }
        try (LocalOidcIssuer b = LocalOidcIssuer.builder().keyDirectory(dir).build().start()) {
            assertThat(b.signingKey().getKeyID()).isEqualTo(first.getKeyID());
            assertThat(b.signingKey().toRSAPrivateKey()).isEqualTo(first.toRSAPrivateKey());
        }
        Path file = dir.resolve(SigningKeys.FILE_NAME);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(file))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void corruptKeyFileFailsWithItsName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(SigningKeys.FILE_NAME), "not a key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalOidcIssuer.builder().keyDirectory(dir).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SigningKeys.FILE_NAME);
        assertThat(Files.readString(dir.resolve(SigningKeys.FILE_NAME))).isEqualTo("not a key");
    }

    @Test
    void clientIdsAreTheClientNamesAuthSetupGivesCognito() {
        LocalOidcIssuer fleet = LocalOidcIssuer.builder().identityProviderId("fleet-idp").build();
        assertThat(fleet.usersClient().clientId()).isEqualTo("fleet-idp-users-client");
        assertThat(fleet.serviceClient().clientId()).isEqualTo("fleet-idp-service-client");
        assertThat(LocalOidcIssuer.usersClientId("cms")).isEqualTo("cms-users-client");
        assertThat(LocalOidcIssuer.serviceClientId("cms")).isEqualTo("cms-service-client");
        for (String bad : new String[] {null, "", " ", "a/b"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalOidcIssuer.usersClientId(bad))
                    .as("idp %s", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity provider id");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalOidcIssuer.serviceClientId(bad))
                    .as("idp %s", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity provider id");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void idpConfigSecretDescribesThisIssuer() throws Exception {
        Map<String, Object> cfg = json(issuer.idpConfigSecretJson());
        assertThat(cfg).containsEntry("iss_domain", issuer.issuerDomain()).containsEntry("alternate_aud_key", "client_id");
        assertThat((java.util.List<Object>) cfg.get("auds")).contains("cms-users-client", "cms-service-client");
        // Only the resource-server scopes are accepted: openid/email alone must not pass the APIs.
        assertThat((java.util.List<Object>) cfg.get("scopes")).containsExactly(AuthSetupScopes.userScope("cms"),
                AuthSetupScopes.serviceScope("cms"));
    }

    /** The authorize URL for {@code user} with {@code pkce} (the code_challenge parameters, possibly none). */
    private String authorizeUrl(String user, String email, String pkce) {
        return issuer.authorizationEndpoint() + "?response_type=code&client_id=" + issuer.usersClient().clientId()
                + REDIRECT_PARAM + "&username=" + user + "&email=" + email + "&state=xyz" + pkce;
    }

    /** Runs /oauth2/authorize with the S256 challenge of {@link #VERIFIER}; returns the code. */
    private String authorize(String user, String email) throws Exception {
        HttpResponse<String> r = get(authorizeUrl(user, email, "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?code=").endsWith("&state=xyz");
        return LocalOidcIssuer.parseForm(URI.create(location).getRawQuery()).get("code");
    }

    /** A 400 invalid_request without a redirect (no code issued) whose description contains {@code message}. */
    private void assertAuthorizeRefused(String pkce, String message) throws Exception {
        HttpResponse<String> r = get(authorizeUrl("ivy", "ivy@example.com", pkce));
        assertThat(r.statusCode()).as(pkce).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(json(r.body())).containsEntry("error", "invalid_request");
        assertThat((String) json(r.body()).get("error_description")).contains(message);
        assertThat(issuer.pendingCodeCount()).isZero();
    }

    /** Redeems {@code code} as the users client with {@code verifier}. */
    private HttpResponse<String> redeem(String code, String verifier) throws Exception {
        OidcClient c = issuer.usersClient();
        return token(basic(c.clientId(), c.clientSecret()),
                "grant_type=authorization_code&code=" + code + REDIRECT_PARAM + "&code_verifier=" + verifier);
    }

    private SignedJWT verified(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(issuer.signingKey().toRSAPublicKey()))).isTrue();
        return jwt;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> token(String authorization, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> json(String body) throws Exception {
        return JSONObjectUtils.parse(body);
    }
}
