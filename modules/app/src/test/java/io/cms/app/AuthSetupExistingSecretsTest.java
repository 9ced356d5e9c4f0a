package io.cms.app;

import io.cms.app.testing.SecretStrings;
import io.cms.constructs.CmsContext;
import io.cms.modules.authsetup.AuthSetupStack;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code createCognito=false} with two existing secrets (one in another partition): those are
 * reused as they are, and only the third is created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthSetupExistingSecretsTest {

    private static final String IDP_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:/solution/auth/cms/idp-config-AbCdEf";
    private static final String CLIENT_ARN = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:shared/client-XyZ123";

    private Template template;

    @BeforeAll
    void synthOnce() {
        Map<String, String> context = Map.of("createCognito", "false",
                "idpConfigSecretArn", IDP_ARN, "serviceClientConfigSecretArn", CLIENT_ARN);
        App app = new App(AppProps.builder().context(Map.copyOf(context)).build());
        template = Template.fromStack(new AuthSetupStack(app, CmsContext.of(context)));
    }

    @Test
    void reusedSecretsAreNotCreated() {
        template.resourceCountIs("AWS::SecretsManager::Secret", 1);
        template.resourcePropertiesCountIs("AWS::SecretsManager::Secret", Map.of("Name", "/solution/auth/cms/idp-config"), 0);
        template.resourcePropertiesCountIs("AWS::SecretsManager::Secret", Map.of("Name", "/solution/auth/cms/client-config/default"), 0);
    }

    @Test
    void ssmHoldsTheGivenArnsVerbatim() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/auth/cms/idp-config/secret/arn", "Value", IDP_ARN));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/auth/cms/client-config/default/secret/arn", "Value", CLIENT_ARN));
    }

    @Test
    void secretWithoutAnArnIsStillCreatedEmptyAndPublished() {
        SecretStrings.of(template, "/solution/auth/cms/authorization-code-flow/config");
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/auth/cms/authorization-code-flow/config/secret/arn",
                "Value", Map.of("Ref", Match.stringLikeRegexp("AuthorizationCodeFlowSecret[0-9A-F]{8}"))));
    }
}
