package io.cms.auth.handler;

import io.cms.lambda.common.AuthSetupScopes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.AuthorizationCodeExchange;
import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.InMemoryAuthSecrets;
import io.cms.lambda.common.Json;
import io.cms.local.oidc.LocalOidcIssuer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three handlers end to end: JSON event in, JSON answer out, against the local issuer. */
class HandlersTest {

    private static AuthFixture fixture;
    private static TokenValidationHandler validation;
    private static AppSyncAuthorizerHandler authorizer;

    @BeforeAll
    static void start() {
        fixture = new AuthFixture();
        validation = new TokenValidationHandler(fixture.validator());
        authorizer = new AppSyncAuthorizerHandler(new AppSyncAuthorization(fixture.validator(), Duration.ofSeconds(60),
                Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static JsonNode invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String event)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static String tokenEvent(String token) {
        return Json.write(Map.of("Token", token));
    }

    private static String authorizerEvent(String authorizationToken) {
        return Json.write(Map.of("authorizationToken", authorizationToken,
                "requestContext", Map.of("apiId", "api", "accountId", "111122223333", "requestId", "r1",
                        "queryString", "{ getVehicle }", "variables", Map.of())));
    }

    @Test
    void validationHandlerAnswersTheOriginalContractForAGoodToken() throws Exception {
        JsonNode r = invoke(validation, tokenEvent(fixture.userToken("alice")));
        assertThat(r.get("validated").asBoolean()).isTrue();
        assertThat(r.get("status_code").asInt()).isEqualTo(200);
        assertThat(r.get("message").asText()).isEqualTo("Token validation successful!");
        assertThat(r.size()).isEqualTo(3);
    }

    @Test
    void validationHandlerAnswers401ForGarbageInsteadOfFailing() throws Exception {
        JsonNode r = invoke(validation, tokenEvent("garbage"));
        assertThat(r.get("validated").asBoolean()).isFalse();
        assertThat(r.get("status_code").asInt()).isEqualTo(401);
    }

    @Test
    void validationHandlerAnswers400ForAnEventWithoutToken() throws Exception {
        JsonNode r = invoke(validation, "{\"token\":\"lower-case key\"}");
        assertThat(r.get("status_code").asInt()).isEqualTo(400);
        assertThat(r.get("message").asText()).contains("Token");
    }

    @Test
    void validationHandlerAnswers400ForMalformedJson() throws Exception {
        JsonNode r = invoke(validation, "{\"Token\":");
        assertThat(r.get("status_code").asInt()).isEqualTo(400);
        assertThat(r.get("validated").asBoolean()).isFalse();
    }

    @Test
    void authorizerDeniesWithoutBearerPrefix() throws Exception {
        JsonNode r = invoke(authorizer, authorizerEvent(fixture.userToken("alice")));
        assertThat(r.get("isAuthorized").asBoolean()).isFalse();
        assertThat(r.has("resolverContext")).isFalse();
    }

    @Test
    void authorizerDeniesLowerCaseBearer() throws Exception {
        JsonNode r = invoke(authorizer, authorizerEvent("bearer " + fixture.userToken("alice")));
        assertThat(r.get("isAuthorized").asBoolean()).isFalse();
    }

    @Test
    void authorizerDeniesBadTokenWithoutCachingTheDenial() throws Exception {
        JsonNode r = invoke(authorizer, authorizerEvent("Bearer a.b.c"));
        assertThat(r.get("isAuthorized").asBoolean()).isFalse();
        assertThat(r.get("ttlOverride").asInt()).isZero();
    }

    @Test
    void authorizerDeniesMalformedEvent() throws Exception {
        assertThat(invoke(authorizer, "[]").get("isAuthorized").asBoolean()).isFalse();
        assertThat(invoke(authorizer, "not json").get("isAuthorized").asBoolean()).isFalse();
    }

    @Test
    void authorizerAllowsGoodUserTokenWithResolverContext() throws Exception {
        JsonNode r = invoke(authorizer, authorizerEvent("Bearer " + fixture.userToken("alice")));
        assertThat(r.get("isAuthorized").asBoolean()).isTrue();
        JsonNode ctx = r.get("resolverContext");
        assertThat(ctx.get("sub").asText()).isEqualTo(LocalOidcIssuer.subjectOf("alice"));
        assertThat(ctx.get("username").asText()).isEqualTo("alice");
        assertThat(ctx.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(ctx.get("scopes").asText()).isEqualTo("cms-user-resource-server/cms-user");
        ctx.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
        assertThat(r.get("deniedFields")).isEmpty();
        assertThat(r.get("ttlOverride").asInt()).isEqualTo(60);
    }

    @Test
    void authorizerGivesServiceTokensTheClientIdAsUsernameAndNoEmail() throws Exception {
        JsonNode ctx = invoke(authorizer, authorizerEvent("Bearer " + fixture.serviceToken())).get("resolverContext");
        assertThat(ctx.get("username").asText()).isEqualTo("cms-service-client");
        assertThat(ctx.get("sub").asText()).isEqualTo("cms-service-client");
        assertThat(ctx.get("email").asText()).isEmpty();
    }

    @Test
    void authorizerCapsTtlAtTheTokensRemainingLifetime() throws Exception {
        String shortLived = fixture.issuer.sign(fixture.issuer.header().build(), fixture.issuer
                .accessTokenClaims("alice", null, Set.of(AuthSetupScopes.userScope("cms")))
                .expirationTime(Date.from(Instant.now().plusSeconds(20))).build());
        JsonNode r = invoke(authorizer, authorizerEvent("Bearer " + shortLived));
        assertThat(r.get("isAuthorized").asBoolean()).isTrue();
        assertThat(r.get("ttlOverride").asInt()).isBetween(15, 20);
    }

    @Test
    void codeExchangeHandlerAnswers400ForNonObjectEvent() throws Exception {
        AuthorizationCodeExchangeHandler handler = new AuthorizationCodeExchangeHandler(new AuthorizationCodeExchange(
                new InMemoryAuthSecrets(), "cms", Duration.ofMinutes(1), Duration.ofSeconds(1), Clock.systemUTC()));
        JsonNode r = invoke(handler, "\"code\"");
        assertThat(r.get("status_code").asInt()).isEqualTo(400);
        assertThat(r.get("authenticated").asBoolean()).isFalse();
    }

    @Test
    void codeExchangeHandlerAnswers400WithoutRedirectUri() throws Exception {
        AuthorizationCodeExchangeHandler handler = new AuthorizationCodeExchangeHandler(new AuthorizationCodeExchange(
                new InMemoryAuthSecrets(), "cms", Duration.ofMinutes(1), Duration.ofSeconds(1), Clock.systemUTC()));
        JsonNode r = invoke(handler, "{\"AuthorizationCode\":\"c\"}");
        assertThat(r.get("status_code").asInt()).isEqualTo(400);
        assertThat(r.get("message").asText()).contains("RedirectUri");
    }

    @Test
    void codeExchangeHandlerAnswers400WithoutCodeVerifier() throws Exception {
        AuthorizationCodeExchangeHandler handler = new AuthorizationCodeExchangeHandler(new AuthorizationCodeExchange(
                new InMemoryAuthSecrets(), "cms", Duration.ofMinutes(1), Duration.ofSeconds(1), Clock.systemUTC()));
        JsonNode r = invoke(handler, "{\"AuthorizationCode\":\"c\",\"RedirectUri\":\"http://localhost/callback\"}");
        assertThat(r.get("status_code").asInt()).isEqualTo(400);
        assertThat(r.get("authenticated").asBoolean()).isFalse();
        assertThat(r.get("message").asText()).contains("CodeVerifier is required");
    }
}
