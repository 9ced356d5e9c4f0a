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
    void defaultsCreateCognitoWithTheOriginalCallbackUrls() {
        AuthSetupSettings s = settings(Map.of());
        assertThat(s.identityProviderId()).isEqualTo("cms");
        assertThat(s.createCognito()).isTrue();
        assertThat(s.callbackUrls()).containsExactly("https://example.com", "https://localhost");
        assertThat(s.existingSecretArns()).isEmpty();
        assertThat(s.createsAnySecret()).isTrue();
    }

    @Test
    void callbackUrlsAreTrimmedAndKeepTheirOrder() {
        assertThat(settings(Map.of("callbackUrls", " https://b.example.com/cb , http://localhost:3000/cb,myapp://signed-in"))
                .callbackUrls())
                .containsExactly("https://b.example.com/cb", "http://localhost:3000/cb", "myapp://signed-in");
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
        "callbackUrls;example.com;Parameter callbackUrls contains 'example.com', which is not an absolute URL",
        "callbackUrls;https://a.example.com,,https://b.example.com;without empty entries",
        "callbackUrls;https://exa mple.com;not a valid URL",
        "callbackUrls;http://app.example.com/cb;plain http only for localhost",
        "callbackUrls;https://app.example.com/#done;fragment",
        "callbackUrls;https:///cb;has no host",
        "callbackUrls;mailto:someone@example.com;not an absolute URL",
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
            urls.append(i == 0 ? "" : ",").append("https://app").append(i).append(".example.com");
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
