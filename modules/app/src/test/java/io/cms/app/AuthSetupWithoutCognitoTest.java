package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.SecretStrings;
import io.cms.constructs.CmsContext;
import io.cms.constructs.nag.Nag;
import io.cms.modules.authsetup.AuthSetupStack;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** {@code createCognito=false} without existing secrets: empty configuration secrets to fill in later. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthSetupWithoutCognitoTest {

    private Template template;
    private AuthSetupStack stack;

    @BeforeAll
    void synthOnce() {
        Map<String, String> context = Map.of("identityProviderId", "fleet-idp", "createCognito", "false");
        App app = new App(AppProps.builder().context(Map.copyOf(context)).build());
        stack = new AuthSetupStack(app, CmsContext.of(context));
        Nag.apply(app);
        template = Template.fromStack(stack);
    }

    @Test
    void hasZeroUnsuppressedNagFindings() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    @Test
    void createsNoCognitoResourcesAndNoFunction() {
        template.resourceCountIs("AWS::Cognito::UserPool", 0);
        template.resourceCountIs("AWS::Cognito::UserPoolClient", 0);
        template.resourceCountIs("AWS::Cognito::UserPoolDomain", 0);
        template.resourceCountIs("AWS::Lambda::Function", 0);
    }

    @Test
    void idpConfigSecretHasEveryKeyWithEmptyValues() {
        assertThat(SecretStrings.of(template, "/solution/auth/fleet-idp/idp-config"))
                .hasToString("{\"iss_domain\":\"\",\"alternate_aud_key\":\"\",\"auds\":[],\"scopes\":[]}");
    }

    @Test
    void clientSecretsHaveEveryKeyWithEmptyStrings() {
        assertThat(SecretStrings.of(template, "/solution/auth/fleet-idp/client-config/default"))
                .hasToString("{\"token_endpoint\":\"\",\"client_id\":\"\",\"client_secret\":\"\",\"audience\":\"\"}");
        assertThat(SecretStrings.of(template, "/solution/auth/fleet-idp/authorization-code-flow/config"))
                .hasToString("{\"token_endpoint\":\"\",\"client_id\":\"\",\"client_secret\":\"\"}");
    }

    @Test
    void emptySecretsAreStillEncryptedWithTheModulesKeyAndPublished() {
        template.resourceCountIs("AWS::KMS::Key", 1);
        template.allResourcesProperties("AWS::SecretsManager::Secret", Map.of(
                "KmsKeyId", Map.of("Fn::GetAtt", java.util.List.of(Match.stringLikeRegexp("SecretsKey[0-9A-F]{8}"), "Arn"))));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/auth/fleet-idp/idp-config/secret/arn",
                "Value", Map.of("Ref", Match.stringLikeRegexp("IdPSecret[0-9A-F]{8}"))));
    }
}
