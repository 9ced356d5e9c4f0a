package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import io.cms.lambda.common.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The Auth stack from the shared all-modules synthesis (nag and cfn-guard run over every stack elsewhere). */
class AuthStackTest {

    private final Template template = AllStacks.get().template(CmsModule.AUTH);

    @Test
    void bothFunctionsRunTheirHandlersForTheConfiguredIdentityProvider() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-auth-token-validation",
                "Handler", "io.cms.auth.handler.TokenValidationHandler",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("IDENTITY_PROVIDER_ID", "cms")))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-auth-authorization-code-exchange",
                "Handler", "io.cms.auth.handler.AuthorizationCodeExchangeHandler",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("IDENTITY_PROVIDER_ID", "cms")))));
        template.resourceCountIs("AWS::Lambda::Function", 2);
    }

    @Test
    void secretArnsAreResolvedFromAuthSetupAtDeployTime() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-auth-token-validation",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "IDP_CONFIG_SECRET_ARN", "{{resolve:ssm:/solution/auth/cms/idp-config/secret/arn}}")))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-auth-authorization-code-exchange",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "CODE_FLOW_CONFIG_SECRET_ARN",
                        "{{resolve:ssm:/solution/auth/cms/authorization-code-flow/config/secret/arn}}")))));
    }

    @Test
    void tokenValidationReadsOnlyTheIdpConfigSecret() {
        String policy = policyOf("TokenValidation");
        assertThat(policy).contains("\"Action\":\"secretsmanager:GetSecretValue\"")
                .contains("{{resolve:ssm:/solution/auth/cms/idp-config/secret/arn}}")
                .doesNotContain("authorization-code-flow")
                .doesNotContain("ssm:GetParameter");
    }

    @Test
    void codeExchangeReadsOnlyTheCodeFlowSecret() {
        String policy = policyOf("AuthorizationCodeExchange");
        assertThat(policy).contains("\"Action\":\"secretsmanager:GetSecretValue\"")
                .contains("{{resolve:ssm:/solution/auth/cms/authorization-code-flow/config/secret/arn}}")
                .doesNotContain("idp-config")
                .doesNotContain("ssm:GetParameter");
    }

    @Test
    void noStatementGrantsSecretsOrParametersOnAWildcard() {
        template.findResources("AWS::IAM::Policy").values().forEach(p -> {
            String text = Json.write(p);
            assertThat(text).doesNotContain("secretsmanager:*").doesNotContain("ssm:*");
            assertThat(text).doesNotContainPattern("parameter/solution/auth/cms/\\*");
        });
    }

    @Test
    void publishesTheLiveAliasArnsUnderTheModulePath() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/cms/auth/token-validation-lambda/arn",
                "Value", Map.of("Ref", Match.stringLikeRegexp("TokenValidationAlias.*"))));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/cms/auth/authorization-code-flow/authorization-code-exchange-lambda/arn",
                "Value", Map.of("Ref", Match.stringLikeRegexp("AuthorizationCodeExchangeAlias.*"))));
    }

    @Test
    void registersWithConfig() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/cms/auth",
                "Value", "{{resolve:ssm:/solution/cms}}"));
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("Auth", template.toJSON());
    }

    private String policyOf(String functionId) {
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::Policy");
        List<String> matching = policies.entrySet().stream()
                .filter(e -> e.getKey().startsWith(functionId + "Role"))
                .map(e -> Json.write(e.getValue()))
                .toList();
        assertThat(matching).as("policies of " + functionId + ": " + policies.keySet()).hasSize(1);
        return matching.get(0);
    }
}
