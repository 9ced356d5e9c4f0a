package io.cms.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.auth.testutils.AuthFixture;
import io.cms.lambda.common.Json;
import io.cms.local.oidc.OidcClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens obtained from the local issuer's token endpoint over HTTP, as a client would, then validated. */
class LocalIssuerEndToEndTest {

    @Test
    void serviceTokenFromClientCredentialsGrantValidates() throws Exception {
        try (AuthFixture fixture = new AuthFixture()) {
            OidcClient client = fixture.issuer.serviceClient();
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(fixture.issuer.tokenEndpoint()))
                            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                    (client.clientId() + ":" + client.clientSecret()).getBytes(StandardCharsets.UTF_8)))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            String token = Json.parse(response.body()).get("access_token").asText();

            ValidationResult result = fixture.validator().validate(token);
            assertThat(result.validated()).as(result.message()).isTrue();
            Map<String, Object> decision = new AppSyncAuthorization(fixture.validator(), Duration.ofSeconds(60),
                    Clock.systemUTC()).authorize("Bearer " + token);
            assertThat(decision).containsEntry("isAuthorized", true);
        }
    }

    @Test
    void tokenOfAnotherLocalIssuerIsRejected() {
        try (AuthFixture mine = new AuthFixture(); AuthFixture other = new AuthFixture()) {
            ValidationResult result = mine.validator().validate(other.userToken("alice"));
            assertThat(result.statusCode()).isEqualTo(401);
        }
    }
}
