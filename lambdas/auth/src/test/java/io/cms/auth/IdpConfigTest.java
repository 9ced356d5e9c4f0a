package io.cms.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.FakeHttpEndpoint;
import io.cms.auth.testutils.InMemoryAuthSecrets;
import io.cms.lambda.common.testing.MutableClock;
import io.cms.lambda.common.ConfigurationException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdpConfigTest {

    private static final String GOOD = "{\"iss_domain\":\"cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc\","
            + "\"alternate_aud_key\":\"client_id\",\"auds\":[\"a\",\"b\"],\"scopes\":[\"openid\"]}";

    @Test
    void parsesTheAuthSetupSecret() {
        IdpConfig c = IdpConfig.parse(GOOD, "test");
        assertThat(c.issDomain()).isEqualTo("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
        assertThat(c.alternateAudKey()).isEqualTo("client_id");
        assertThat(c.auds()).containsExactlyInAnyOrder("a", "b");
        assertThat(c.scopes()).containsExactly("openid");
    }

    @Test
    void rejectsEmptyModeSecretWithAHint() {
        assertThatThrownBy(() -> IdpConfig.parse(
                "{\"iss_domain\":\"\",\"alternate_aud_key\":\"\",\"auds\":[],\"scopes\":[]}", "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("empty iss_domain");
    }

    @Test
    void rejectsIssDomainWithScheme() {
        assertThatThrownBy(() -> IdpConfig.parse(GOOD.replace("cognito-idp", "https://cognito-idp"), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("without scheme");
    }

    @Test
    void rejectsNonJson() {
        assertThatThrownBy(() -> IdpConfig.parse("iss_domain=x", "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not JSON");
    }

    @Test
    void rejectsAudsThatAreNotAnArray() {
        assertThatThrownBy(() -> IdpConfig.parse(GOOD.replace("[\"a\",\"b\"]", "\"a\""), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'auds'");
    }

    @Test
    void rejectsNonStringScopes() {
        assertThatThrownBy(() -> IdpConfig.parse(GOOD.replace("[\"openid\"]", "[1]"), "s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'scopes'");
    }

    @Test
    void providerReloadsTheSecretAfterItsTtl() {
        InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(IdpConfigProvider.parameterName("cms"), GOOD);
        MutableClock clock = new MutableClock(Instant.now());
        IdpConfigProvider provider = new IdpConfigProvider(secrets, "cms", Duration.ofMinutes(10), clock);
        provider.get();
        secrets.replace(IdpConfigProvider.parameterName("cms"), GOOD.replace("[\"openid\"]", "[\"email\"]"));
        assertThat(provider.get().scopes()).containsExactly("openid");
        clock.advance(Duration.ofMinutes(11));
        assertThat(provider.get().scopes()).containsExactly("email");
        assertThat(secrets.secretReads()).isEqualTo(2);
    }

    @Test
    void providerDoesNotCacheFailures() {
        InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(IdpConfigProvider.parameterName("cms"), "{");
        IdpConfigProvider provider = new IdpConfigProvider(secrets, "cms", Duration.ofMinutes(10), new MutableClock(Instant.now()));
        assertThatThrownBy(provider::get).isInstanceOf(ConfigurationException.class);
        secrets.replace(IdpConfigProvider.parameterName("cms"), GOOD);
        assertThat(provider.get().auds()).contains("a");
    }

    @Test
    void validatorAnswers500WhenTheParameterIsMissing() {
        try (AuthFixture fixture = new AuthFixture()) {
            TokenValidator validator = TokenValidator.create(new InMemoryAuthSecrets(), "cms", fixture.settings(),
                    java.time.Clock.systemUTC());
            ValidationResult result = validator.validate(fixture.userToken("alice"));
            assertThat(result.statusCode()).isEqualTo(500);
            assertThat(result.validated()).isFalse();
            assertThat(result.message()).contains("configuration");
        }
    }

    @Test
    void validatorRefusesHttpIssuerThatIsNotLoopback() {
        try (AuthFixture fixture = new AuthFixture(); FakeHttpEndpoint jwks = new FakeHttpEndpoint()) {
            jwks.respond(200, fixture.issuer.publicJwks().toString());
            fixture.secrets.replace(IdpConfigProvider.parameterName("cms"),
                    fixture.issuer.idpConfigSecretJson().replace("127.0.0.1", "issuer.example.com"));
            ValidatorSettings d = fixture.settings();
            ValidatorSettings viaFakeJwks = new ValidatorSettings(d.allowedAlgorithms(), d.clockSkew(), d.maxTokenChars(),
                    d.configTtl(), d.jwksTtl(), d.jwksMinRefreshInterval(), d.httpTimeout(), "http", jwks.url("/jwks.json"));
            ValidationResult result = fixture.validator(viaFakeJwks, java.time.Clock.systemUTC())
                    .validate(fixture.userToken("alice"));
            assertThat(result.statusCode()).isEqualTo(500);
            assertThat(result.message()).contains("identity provider configuration cannot be read");
            assertThat(jwks.requests()).as("no key fetch for a refused issuer").isEmpty();
        }
    }

    @Test
    void httpIssuerMustBeLoopback() {
        IdpConfig offLoopback = IdpConfig.parse(GOOD, "test");
        assertThatThrownBy(() -> TokenValidator.expectedIssuer("http", offLoopback))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ISSUER_SCHEME=http is only allowed for a loopback issuer")
                .hasMessageContaining("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
        assertThat(TokenValidator.expectedIssuer("https", offLoopback))
                .isEqualTo("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
        assertThat(TokenValidator.expectedIssuer("http", IdpConfig.parse(GOOD.replace(
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "127.0.0.1:9229/pool"), "test")))
                .isEqualTo("http://127.0.0.1:9229/pool");
        assertThat(TokenValidator.expectedIssuer("http", IdpConfig.parse(GOOD.replace(
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "[::1]:9229/pool"), "test")))
                .as("IPv6 loopback, as SecureEndpoints allows it")
                .isEqualTo("http://[::1]:9229/pool");
        assertThatThrownBy(() -> TokenValidator.expectedIssuer("http", IdpConfig.parse(GOOD.replace(
                "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "localhost.evil.example/pool"), "test")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("localhost.evil.example/pool");
    }

    @Test
    void settingsRejectSymmetricAlgorithms() {
        assertThatThrownBy(() -> ValidatorSettings.fromEnvironment(
                io.cms.lambda.common.EnvConfig.of(java.util.Map.of("AUTH_ALLOWED_ALGORITHMS", "RS256,HS256"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("HS256");
    }

    @Test
    void settingsRejectUnknownIssuerScheme() {
        assertThatThrownBy(() -> ValidatorSettings.fromEnvironment(
                io.cms.lambda.common.EnvConfig.of(java.util.Map.of("ISSUER_SCHEME", "ftp"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ISSUER_SCHEME");
    }

    @Test
    void settingsRejectZeroJwksTtlNamingTheVariable() {
        assertThatThrownBy(() -> ValidatorSettings.fromEnvironment(
                io.cms.lambda.common.EnvConfig.of(java.util.Map.of("AUTH_JWKS_TTL_SECONDS", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("AUTH_JWKS_TTL_SECONDS");
    }

    @Test
    void settingsRejectPlainHttpJwksUrlOffLoopbackNamingTheVariable() {
        assertThatThrownBy(() -> jwksUrl("http://keys.example.com/jwks.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("JWKS_URL must be https").hasMessageContaining("http://keys.example.com/jwks.json");
        assertThatThrownBy(() -> jwksUrl("ftp://keys.example.com/jwks.json"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("JWKS_URL");
        assertThatThrownBy(() -> jwksUrl("https://keys example/jwks.json"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("JWKS_URL is not a URL");
    }

    @Test
    void settingsAcceptHttpsOrLoopbackJwksUrl() {
        assertThat(jwksUrl("https://keys.example.com/jwks.json").jwksUrlOverride())
                .isEqualTo("https://keys.example.com/jwks.json");
        assertThat(jwksUrl("http://127.0.0.1:9229/jwks.json").jwksUrlOverride()).isEqualTo("http://127.0.0.1:9229/jwks.json");
        assertThat(jwksUrl("http://localhost:9229/jwks.json").jwksUrlOverride()).isEqualTo("http://localhost:9229/jwks.json");
    }

    private static ValidatorSettings jwksUrl(String url) {
        return ValidatorSettings.fromEnvironment(io.cms.lambda.common.EnvConfig.of(java.util.Map.of("JWKS_URL", url)));
    }

    @Test
    void providerWithAKnownSecretArnNeverReadsSsm() {
        InMemoryAuthSecrets secrets = new InMemoryAuthSecrets().put(IdpConfigProvider.parameterName("cms"), GOOD);
        String arn = secrets.parameter(IdpConfigProvider.parameterName("cms"));
        IdpConfigProvider provider = new IdpConfigProvider(new io.cms.auth.AuthSecrets() {
            @Override
            public String parameter(String name) {
                throw new AssertionError("SSM must not be read when the secret ARN is known");
            }

            @Override
            public String secret(String a) {
                return secrets.secret(a);
            }
        }, "cms", arn, Duration.ofMinutes(10), new MutableClock(Instant.now()));
        assertThat(provider.get().auds()).containsExactlyInAnyOrder("a", "b");
    }
}
