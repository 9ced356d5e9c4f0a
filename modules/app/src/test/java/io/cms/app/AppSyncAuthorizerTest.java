package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.constructs.CmsModule;
import io.cms.lambda.common.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The shared {@code io.cms.constructs.auth.AppSyncAuthorizer} as the Alerts stack uses it (from the
 * shared all-modules synthesis): handler, environment, timeout and its one least-privilege grant.
 */
class AppSyncAuthorizerTest {

    private final Template template = AllStacks.get().template(CmsModule.ALERTS);

    @Test
    void runsTheAuthorizerHandlerWithTheIdentityProviderAndTtl() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.cms.auth.handler.AppSyncAuthorizerHandler",
                "Timeout", 10,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "IDENTITY_PROVIDER_ID", "cms",
                        "IDP_CONFIG_SECRET_ARN", "{{resolve:ssm:/solution/auth/cms/idp-config/secret/arn}}",
                        "AUTHORIZER_TTL_SECONDS", "60")))));
    }

    @Test
    void readsOnlyTheIdpConfigSecret() {
        List<String> policies = template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("AuthorizerFunctionRole"))
                .map(e -> Json.write(e.getValue()))
                .toList();
        assertThat(policies).hasSize(1);
        assertThat(policies.get(0))
                .contains("\"Action\":\"secretsmanager:GetSecretValue\"")
                .contains("{{resolve:ssm:/solution/auth/cms/idp-config/secret/arn}}")
                .doesNotContain("ssm:GetParameter");
    }

    @Test
    void grantsNoWildcardOnSecrets() {
        template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("AuthorizerFunctionRole"))
                .forEach(e -> Json.MAPPER.valueToTree(e.getValue()).at("/Properties/PolicyDocument/Statement")
                        .forEach(statement -> {
                            String action = statement.get("Action").toString();
                            if (action.contains("secretsmanager:")) {
                                assertThat(statement.get("Resource").toString()).doesNotContain("*");
                            }
                        }));
    }

    @Test
    void apisAcceptOnlyBearerJwtsWithTheOneMinuteCache() {
        template.hasResourceProperties("AWS::AppSync::GraphQLApi", Map.of(
                "AuthenticationType", "AWS_LAMBDA",
                "LambdaAuthorizerConfig", Map.of(
                        "AuthorizerUri", Map.of("Ref", Match.stringLikeRegexp("AuthorizerFunctionAlias.*")),
                        "AuthorizerResultTtlInSeconds", 60,
                        "IdentityValidationExpression", "^Bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+$")));
    }
}
