package io.cms.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import io.cms.modules.authsetup.AuthSetupStack;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/** Bad Auth Setup input fails before anything is synthesized, naming the parameter. */
class AuthSetupBadInputTest {

    private static void build(Map<String, String> context) {
        new AuthSetupStack(new App(), CmsContext.of(context));
    }

    @Test
    void rejectsACallbackUrlThatIsNotAbsolute() {
        assertThatThrownBy(() -> build(Map.of("callbackUrls", "https://portal.acme-motors.dev/cb,portal.acme-motors.dev/cb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter callbackUrls")
                .hasMessageContaining("'portal.acme-motors.dev/cb'");
    }

    @Test
    void rejectsASecretArnOfAnotherService() {
        assertThatThrownBy(() -> build(Map.of("createCognito", "false",
                "authorizationCodeExchangeConfigSecretArn", "arn:aws:ssm:eu-west-1:123456789012:parameter/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter authorizationCodeExchangeConfigSecretArn");
    }

    @Test
    void rejectsACreateCognitoValueThatIsNotABoolean() {
        assertThatThrownBy(() -> build(Map.of("createCognito", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter createCognito must be true or false");
    }

    @Test
    void rejectsAnExistingSecretTogetherWithCognito() {
        assertThatThrownBy(() -> build(Map.of("createCognito", "true",
                "idpConfigSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:idp-AbCdEf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Parameter idpConfigSecretArn")
                .hasMessageContaining("createCognito=false");
    }
}
