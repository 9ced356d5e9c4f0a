package io.cms.auth;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;

import io.cms.auth.testutils.FakeHttpEndpoint;
import io.cms.auth.testutils.InMemoryAuthSecrets;
import io.cms.local.oidc.LocalOidcIssuer;
import io.cms.local.oidc.OidcClient;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizationCodeExchangeTest {

    private static final String REDIRECT = AuthSetupScopes.DEFAULT_CALLBACK_URL;
    private static final String PARAM = AuthorizationCodeExchange.parameterName("cms");
    private static final String VERIFIER = "pkce-verifier-0123456789-0123456789-0123456789";

    private static String config(String tokenEndpoint, OidcClient client) {
        return "{\"token_endpoint\":\"" + tokenEndpoint + "\",\"client_id\":\"" + client.clientId()
                + "\",\"client_secret\":\"" + client.clientSecret() + "\"}";
    }

    private static AuthorizationCodeExchange exchange(InMemoryAuthSecrets secrets, Duration timeout) {
        return new AuthorizationCodeExchange(secrets, "cms", Duration.ofMinutes(10), timeout, Clock.systemUTC());
    }

    /** Runs /oauth2/authorize of the local issuer like a browser and returns the code. */
    private static String authorize(LocalOidcIssuer issuer, String challenge) throws Exception {
        String url = issuer.authorizationEndpoint() + "?response_type=code&client_id=" + issuer.usersClient().clientId()
                + "&redirect_uri=" + REDIRECT + "&username=alice&email=alice@example.com"
                + (challenge == null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding());
        String query = URI.create(r.headers().firstValue("Location").orElseThrow()).getRawQuery();
        return URLDecoder.decode(query.substring(query.indexOf("code=") + 5), StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void exchangesCodeWithPkceAtTheLocalIssuer() throws Exception {
        try (LocalOidcIssuer issuer = LocalOidcIssuer.create().start()) {
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(issuer.tokenEndpoint(), issuer.usersClient()));
            String verifier = "pkce-verifier-0123456789-0123456789-0123456789";
            ExchangeResult result = exchange(secrets, Duration.ofSeconds(5))
                    .exchange(authorize(issuer, s256(verifier)), REDIRECT, verifier);
            assertThat(result.statusCode()).as(result.message()).isEqualTo(200);
            assertThat(result.authenticated()).isTrue();
            assertThat(result.userTokens().get("access_token").asText()).isNotBlank();
            assertThat(result.userTokens().get("id_token").asText()).isNotBlank();
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingCodeVerifierIs400WithoutCallingTheIdp(String verifier) {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            idp.respond(200, "{\"access_token\":\"a\"}");
            OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            ExchangeResult result = exchange(new InMemoryAuthSecrets().put(PARAM, config(idp.url("/t"), client)),
                    Duration.ofSeconds(1)).exchange("code-issued-without-pkce", REDIRECT, verifier);
            assertThat(result.statusCode()).isEqualTo(400);
            assertThat(result.authenticated()).isFalse();
            assertThat(result.message()).contains("CodeVerifier is required").contains("PKCE");
            assertThat(idp.requests()).isEmpty();
        }
    }

    @Test
    void wrongVerifierIsRefusedWith401NamingInvalidGrant() throws Exception {
        try (LocalOidcIssuer issuer = LocalOidcIssuer.create().start()) {
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(issuer.tokenEndpoint(), issuer.usersClient()));
            ExchangeResult result = exchange(secrets, Duration.ofSeconds(5))
                    .exchange(authorize(issuer, s256("the-real-verifier-0123456789-0123456789")), REDIRECT,
                            "a-guessed-verifier-0123456789-0123456789");
            assertThat(result.statusCode()).isEqualTo(401);
            assertThat(result.message()).contains("invalid_grant");
            assertThat(result.userTokens()).isNull();
        }
    }

    @Test
    void sendsBasicAuthAndTheFormWithTheCodeVerifier() {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            idp.respond(200, "{\"access_token\":\"a\",\"id_token\":\"i\",\"token_type\":\"Bearer\"}");
            OidcClient client = new OidcClient("users-client", "s3cr:et", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(idp.url("/oauth2/token"), client));
            exchange(secrets, Duration.ofSeconds(5)).exchange("the-code", REDIRECT, VERIFIER);
            FakeHttpEndpoint.Request request = idp.requests().get(0);
            Map<String, String> form = form(request.body());
            assertThat(form).containsEntry("grant_type", "authorization_code").containsEntry("code", "the-code")
                    .containsEntry("redirect_uri", REDIRECT).containsEntry("code_verifier", VERIFIER);
            assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
            assertThat(new String(Base64.getDecoder().decode(request.authorization().substring(6)), StandardCharsets.UTF_8))
                    .isEqualTo("users-client:s3cr%3Aet");
        }
    }

    @Test
    void sendsCodeVerifierWhenGiven() {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            idp.respond(200, "{\"access_token\":\"a\"}");
            OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(idp.url("/oauth2/token"), client));
            exchange(secrets, Duration.ofSeconds(5)).exchange("code", REDIRECT, "verifier-1");
            assertThat(form(idp.requests().get(0).body())).containsEntry("code_verifier", "verifier-1");
        }
    }

    @Test
    void idpServerErrorIs500() {
        assertThat(againstFake(503, "{\"error\":\"temporarily_unavailable\"}", 0).statusCode()).isEqualTo(500);
    }

    @Test
    void idpInvalidGrantIs401WithTheErrorCode() {
        ExchangeResult result = againstFake(400, "{\"error\":\"invalid_grant\"}", 0);
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).endsWith("invalid_grant");
    }

    @Test
    void idpRefusingTheConfiguredClientIs500() {
        ExchangeResult result = againstFake(401, "{\"error\":\"invalid_client\"}", 0);
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.message()).contains("invalid_client").contains("secret");
    }

    @Test
    void wrongClientSecretAtTheLocalIssuerIs500() throws Exception {
        try (LocalOidcIssuer issuer = LocalOidcIssuer.create().start()) {
            OidcClient wrong = new OidcClient(issuer.usersClient().clientId(), "not-the-secret", java.util.Set.of(),
                    java.util.Set.of(), java.util.Set.of());
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(issuer.tokenEndpoint(), wrong));
            ExchangeResult result = exchange(secrets, Duration.ofSeconds(5))
                    .exchange(authorize(issuer, s256(VERIFIER)), REDIRECT, VERIFIER);
            assertThat(result.statusCode()).isEqualTo(500);
        }
    }

    @Test
    void idpErrorCodeWithControlCharactersIsNotEchoed() {
        ExchangeResult result = againstFake(400, "{\"error\":\"bad\\n<script>\\\"x\"}", 0);
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.message()).endsWith("unknown_error");
    }

    @Test
    void idpTimeoutIs500() {
        ExchangeResult result = againstFake(200, "{\"access_token\":\"late\"}", 2_000);
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.message()).contains("did not answer");
    }

    @Test
    void idpSuccessWithoutAccessTokenIs500() {
        assertThat(againstFake(200, "{\"error\":\"odd\"}", 0).statusCode()).isEqualTo(500);
    }

    @Test
    void unreachableIdpIs500() {
        FakeHttpEndpoint idp = new FakeHttpEndpoint();
        String url = idp.url("/oauth2/token");
        idp.close();
        OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
        ExchangeResult result = exchange(new InMemoryAuthSecrets().put(PARAM, config(url, client)), Duration.ofSeconds(2))
                .exchange("code", REDIRECT, VERIFIER);
        assertThat(result.statusCode()).isEqualTo(500);
    }

    @Test
    void knownSecretArnIsUsedWithoutTheParameter() {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            idp.respond(200, "{\"access_token\":\"a\"}");
            OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(PARAM, config(idp.url("/oauth2/token"), client));
            String arn = secrets.parameter(PARAM);
            InMemoryAuthSecrets withoutParameter = new InMemoryAuthSecrets();
            AuthorizationCodeExchange exchange = new AuthorizationCodeExchange(new io.cms.auth.AuthSecrets() {
                @Override
                public String parameter(String name) {
                    return withoutParameter.parameter(name);
                }

                @Override
                public String secret(String a) {
                    return secrets.secret(a);
                }
            }, "cms", arn, Duration.ofMinutes(1), Duration.ofSeconds(5), Clock.systemUTC());
            assertThat(exchange.exchange("code", REDIRECT, VERIFIER).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void missingConfigIs500() {
        ExchangeResult result = exchange(new InMemoryAuthSecrets(), Duration.ofSeconds(1)).exchange("code", REDIRECT, VERIFIER);
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.message()).contains("configuration");
    }

    @Test
    void plainHttpTokenEndpointOffLoopbackIsAConfigurationError() {
        OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
        ExchangeResult result = exchange(new InMemoryAuthSecrets().put(PARAM, config("http://idp.example.com/token", client)),
                Duration.ofSeconds(1)).exchange("code", REDIRECT, VERIFIER);
        assertThat(result.statusCode()).isEqualTo(500);
        // Without the check the POST is attempted and fails as "cannot be reached" instead.
        assertThat(result.message()).contains("identity provider configuration cannot be read");
    }

    @Test
    void configParsingRefusesPlainHttpOffLoopbackNamingTheRule() {
        OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CodeFlowConfig.parse(
                        config("http://idp.example.com/token", client), "secret arn:test"))
                .isInstanceOf(io.cms.lambda.common.ConfigurationException.class)
                .hasMessageContaining("token_endpoint must be https")
                .hasMessageContaining("http://idp.example.com/token");
        assertThat(CodeFlowConfig.parse(config("http://127.0.0.1:9229/oauth2/token", client), "s").tokenEndpoint())
                .hasToString("http://127.0.0.1:9229/oauth2/token");
        assertThat(CodeFlowConfig.parse(config("https://idp.example.com/token", client), "s").tokenEndpoint())
                .hasToString("https://idp.example.com/token");
    }

    @Test
    void missingCodeIs400WithoutCallingTheIdp() {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            ExchangeResult result = exchange(new InMemoryAuthSecrets().put(PARAM, config(idp.url("/t"), client)),
                    Duration.ofSeconds(1)).exchange(" ", REDIRECT, VERIFIER);
            assertThat(result.statusCode()).isEqualTo(400);
            assertThat(idp.requests()).isEmpty();
        }
    }

    @Test
    void resultTextNeverShowsTokens() {
        ExchangeResult result = againstFake(200, "{\"access_token\":\"very-secret-token\"}", 0);
        assertThat(result.toString()).doesNotContain("very-secret-token");
    }

    private static ExchangeResult againstFake(int status, String body, long delayMillis) {
        try (FakeHttpEndpoint idp = new FakeHttpEndpoint()) {
            idp.respond(status, body);
            idp.delay(delayMillis);
            OidcClient client = new OidcClient("c", "s", java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
            return exchange(new InMemoryAuthSecrets().put(PARAM, config(idp.url("/oauth2/token"), client)),
                    Duration.ofMillis(500)).exchange("code", REDIRECT, VERIFIER);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
