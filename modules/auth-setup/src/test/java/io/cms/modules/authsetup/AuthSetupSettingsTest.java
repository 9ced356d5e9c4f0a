package io.cms.modules.authsetup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthSetupSettingsTest {

    private static AuthSetupSettings settings(Map<String, String> context) {
        return AuthSetupSettings.from(CmsContext.of(context));
    }

    @Test
    void defaultsCreateCognitoWithOnlyALoopbackCallbackUrl() {
        AuthSetupSettings s = settings(Map.of());
        assertThat(s.identityProviderId()).isEqualTo("cms");
        assertThat(s.createCognito()).isTrue();
        assertThat(s.callbackUrls()).containsExactly("http://localhost:3000/callback")
                .containsExactly(AuthSetupSettings.DEFAULT_CALLBACK_URLS);
        assertThat(s.existingSecretArns()).isEmpty();
        assertThat(s.createsAnySecret()).isTrue();
    }

    @Test
    void callbackUrlsAreTrimmedAndKeepTheirOrder() {
        assertThat(settings(Map.of("callbackUrls", " https://fleet.acme-motors.dev/cb , http://localhost:3000/cb,https://localhost/cb"))
                .callbackUrls())
                .containsExactly("https://fleet.acme-motors.dev/cb", "http://localhost:3000/cb", "https://localhost/cb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com", "https://app.example.com/callback", "https://EXAMPLE.NET/cb",
        "https://a.b.example.org/cb", "https://example.com./cb", "https://portal.example/cb", "https://x.invalid/cb",
        "https://fleet.test:8443/cb", "https://test/cb"})
    void refusesHostsUnderReservedExampleDomains(String url) {
        assertThatThrownBy(() -> settings(Map.of("callbackUrls", "http://localhost:3000/callback," + url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter callbackUrls contains '" + url + "', whose host is under the reserved domain")
                .hasMessageContaining("can never be your app")
                .hasMessageEndingWith(AuthSetupSettings.HOW_TO_SET_CALLBACK_URLS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://fleet.acme-motors.dev/cb", "http://127.0.0.1:3000/cb", "http://[::1]:3000/cb",
        "http://app.localhost/cb", "ftp://fleet.acme-motors.dev/cb", "ws://fleet.acme-motors.dev/cb", "file:///tmp/cb"})
    void refusesCleartextAndFileUrlsExceptHttpLocalhost(String url) {
        assertThatThrownBy(() -> settings(Map.of("callbackUrls", url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter callbackUrls contains '" + url + "'; web callbacks must be https,"
                        + " plain http only for http://localhost")
                .hasMessageEndingWith(AuthSetupSettings.HOW_TO_SET_CALLBACK_URLS);
    }

    /** Cognito accepts a native app's own scheme (RFC 8252); it carries no code over the network. */
    @ParameterizedTest
    @ValueSource(strings = {"com.acme.fleet:/signed-in", "acmefleet://signed-in", "http://localhost:3000/callback",
        "http://LOCALHOST/cb"})
    void acceptsNativeAppSchemesAndHttpLocalhost(String url) {
        assertThat(settings(Map.of("callbackUrls", url)).callbackUrls()).containsExactly(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://examples.com", "https://myexample.com", "https://example.company.com",
        "https://testing.dev", "https://example.com.fleet.dev"})
    void acceptsHostsThatOnlyResembleAReservedDomain(String url) {
        assertThat(settings(Map.of("callbackUrls", url)).callbackUrls()).containsExactly(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:/solution/auth/cms/idp-config-AbCdEf",
        "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:idp-AbCdEf",
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:idp+a=b.c@d-AbCdEf"
    })
    void acceptsSecretArnsOfEveryPartition(String arn) {
        AuthSetupSettings s = settings(Map.of("createCognito", "false", "idpConfigSecretArn", arn));
        assertThat(s.existingArn(ConfigSecret.IDP_CONFIG)).contains(arn);
        assertThat(s.existingArn(ConfigSecret.SERVICE_CLIENT_CONFIG)).isEmpty();
        assertThat(s.createsAnySecret()).isTrue();
    }

    @Test
    void reusingEverySecretCreatesNone() {
        String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf";
        AuthSetupSettings s = settings(Map.of("createCognito", "false", "idpConfigSecretArn", arn,
                "serviceClientConfigSecretArn", arn, "authorizationCodeExchangeConfigSecretArn", arn));
        assertThat(s.createsAnySecret()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "createCognito;maybe;Parameter createCognito must be true or false",
        "callbackUrls;fleet.acme-motors.dev;Parameter callbackUrls contains 'fleet.acme-motors.dev', which is not an absolute URL",
        "callbackUrls;https://a.acme-motors.dev,,https://b.acme-motors.dev;without empty entries",
        "callbackUrls;https://acme motors.dev;not a valid URL",
        "callbackUrls;https://app.acme-motors.dev/#done;fragment",
        "callbackUrls;https:///cb;has no host",
        "callbackUrls;mailto:someone@acme-motors.dev;not an absolute URL",
        "idpConfigSecretArn;arn:aws:secretsmanager:eu-west-1:123456789012:secret:;Parameter idpConfigSecretArn must be a Secrets Manager secret ARN",
        "serviceClientConfigSecretArn;arn:aws:kms:eu-west-1:123456789012:key/abc;Parameter serviceClientConfigSecretArn must be",
        "authorizationCodeExchangeConfigSecretArn;arn:azure:secretsmanager:eu-west-1:123456789012:secret:x;Parameter authorizationCodeExchangeConfigSecretArn must be",
        "idpConfigSecretArn;arn:aws:secretsmanager:eu-west-1:12345:secret:x;Parameter idpConfigSecretArn must be"
    })
    void badInputFailsWithTheParameterNamed(String key, String value, String message) {
        Map<String, String> context = key.endsWith("Arn") ? Map.of("createCognito", "false", key, value) : Map.of(key, value);
        assertThatThrownBy(() -> settings(context))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsMoreCallbackUrlsThanCognitoAccepts() {
        StringBuilder urls = new StringBuilder();
        for (int i = 0; i <= AuthSetupSettings.MAX_CALLBACK_URLS; i++) {
            urls.append(i == 0 ? "" : ",").append("https://app").append(i).append(".acme-motors.dev");
        }
        assertThatThrownBy(() -> settings(Map.of("callbackUrls", urls.toString())))
                .hasMessageContaining("Parameter callbackUrls has 101 URLs");
    }

    @Test
    void rejectsAnExistingSecretWhenCognitoIsCreated() {
        assertThatThrownBy(() -> settings(Map.of("serviceClientConfigSecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf")))
                .hasMessageContaining("Parameter serviceClientConfigSecretArn reuses an existing secret, which only works"
                        + " with createCognito=false");
    }
}
