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
        String verifier = "a-verifier-of-sufficient-length-0123456789abcdef";
        String code = authorize("alice", "alice@example.com", LocalOidcIssuer.s256(verifier));
        OidcClient c = issuer.usersClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()),
                "grant_type=authorization_code&code=" + code + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&code_verifier="
                        + verifier);
        assertThat(r.statusCode()).isEqualTo(200);
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
        String code = authorize("bob", "bob@example.com", LocalOidcIssuer.s256("the-right-verifier-0123456789-0123456789"));
        OidcClient c = issuer.usersClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()),
                "grant_type=authorization_code&code=" + code
                        + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&code_verifier=another-verifier-0123456789-0123456789");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void authorizationCodeCanBeRedeemedOnlyOnce() throws Exception {
        String code = authorize("carol", "carol@example.com", null);
        OidcClient c = issuer.usersClient();
        String form = "grant_type=authorization_code&code=" + code + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback";
        assertThat(token(basic(c.clientId(), c.clientSecret()), form).statusCode()).isEqualTo(200);
        HttpResponse<String> again = token(basic(c.clientId(), c.clientSecret()), form);
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
        String expired = authorize("erin", "erin@example.com", null);
        String purged = authorize("frank", "frank@example.com", null);
        assertThat(issuer.pendingCodeCount()).isEqualTo(2);
        clock.advance(java.time.Duration.ofMinutes(6));
        OidcClient c = issuer.usersClient();
        HttpResponse<String> r = token(basic(c.clientId(), c.clientSecret()),
                "grant_type=authorization_code&code=" + expired + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body())).containsEntry("error", "invalid_grant");
        assertThat(issuer.pendingCodeCount()).isEqualTo(1);
        String fresh = authorize("gina", "gina@example.com", null);
        assertThat(issuer.pendingCodeCount()).as("the expired code %s is purged", purged).isEqualTo(1);
        assertThat(token(basic(c.clientId(), c.clientSecret()),
                "grant_type=authorization_code&code=" + fresh + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void authorizeRefusesUnregisteredRedirectUri() throws Exception {
        HttpResponse<String> r = get(issuer.authorizationEndpoint() + "?response_type=code&client_id="
                + issuer.usersClient().clientId() + "&redirect_uri=https%3A%2F%2Fevil.example&username=alice");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Location")).isEmpty();
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

    private String authorize(String user, String email, String challenge) throws Exception {
        String url = issuer.authorizationEndpoint() + "?response_type=code&client_id=" + issuer.usersClient().clientId()
                + "&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&username=" + user + "&email=" + email + "&state=xyz"
                + (challenge == null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> r = get(url);
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://localhost/callback?code=").endsWith("&state=xyz");
        return LocalOidcIssuer.parseForm(URI.create(location).getRawQuery()).get("code");
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
