package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.app.testing.AllStacks;
import io.cms.app.testing.SecretStrings;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The default mode: Cognito is created and the three secrets hold its values. */
class AuthSetupStackTest {

    private static final String SECRET_READ = "UserPoolClient.ClientSecret";

    private final Template template = AllStacks.get().template(CmsModule.AUTH_SETUP);

    @Test
    void isTheIdpAuthSetupStackAndDoesNotRegisterWithConfig() {
        assertThat(AllStacks.get().stack(CmsModule.AUTH_SETUP).getStackName()).isEqualTo("cms-auth-setup");
        assertThat(template.toJSON().get("Description").toString())
                .startsWith("(SO0241-CMS.24) cms-for-java - Auth Setup. Version v");
        template.resourceCountIs("AWS::SSM::Parameter", 3);
        template.resourcePropertiesCountIs("AWS::SSM::Parameter", Map.of("Name", Match.stringLikeRegexp("/solution/cms/auth-setup.*")), 0);
    }

    @Test
    void userPoolRequiresTotpOnlyMfaAndEnforcesThreatProtection() {
        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of(
                "UserPoolName", "cms-user-pool",
                "MfaConfiguration", "ON",
                "EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"),
                "UserPoolTier", "PLUS",
                "UserPoolAddOns", Map.of("AdvancedSecurityMode", "ENFORCED")));
    }

    @Test
    void userPoolSignsInByUsernameOrEmailWithAStrongPasswordAndEmailOnlyRecovery() {
        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of(
                "AliasAttributes", List.of("email"),
                "AdminCreateUserConfig", Match.objectLike(Map.of("AllowAdminCreateUserOnly", true,
                        "InviteMessageTemplate", Match.objectLike(Map.of("EmailSubject", "Invitation to join cms!")))),
                "AccountRecoverySetting", Map.of("RecoveryMechanisms", List.of(Map.of("Name", "verified_email", "Priority", 1))),
                "Policies", Map.of("PasswordPolicy", Map.of("MinimumLength", 8, "RequireLowercase", true,
                        "RequireUppercase", true, "RequireNumbers", true, "RequireSymbols", true,
                        "TemporaryPasswordValidityDays", 1)),
                "DeviceConfiguration", Map.of("ChallengeRequiredOnNewDevice", true, "DeviceOnlyRememberedOnUserPrompt", true),
                "Schema", Match.arrayWith(List.of(Map.of("Name", "email", "Required", true, "Mutable", true)))));
    }

    @Test
    void accessTokensGetTheVerifiedEmailFromAVersion2PreTokenTrigger() {
        template.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of(
                "LambdaConfig", Map.of("PreTokenGenerationConfig", Map.of(
                        "LambdaArn", Map.of("Ref", Match.stringLikeRegexp("PreTokenGenerationAlias.*")),
                        "LambdaVersion", "V2_0")),
                // A changed email counts only once verified, so the claim is always a proven address.
                "UserAttributeUpdateSettings", Map.of("AttributesRequireVerificationBeforeUpdate", List.of("email")))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-auth-setup-pre-token-generation",
                "Handler", "io.cms.auth.handler.PreTokenGenerationHandler",
                "Timeout", 5));
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "Principal", "cognito-idp.amazonaws.com",
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("PreTokenGenerationAlias.*"))));
    }

    @Test
    void userPoolIsRetainedAndProtectedFromDeletion() {
        template.hasResource("AWS::Cognito::UserPool", Match.objectLike(Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of("DeletionProtection", "ACTIVE")))));
    }

    @Test
    void eachResourceServerDefinesItsOwnScope() {
        template.hasResourceProperties("AWS::Cognito::UserPoolResourceServer", Map.of(
                "Identifier", "cms-user-resource-server", "Name", "cms-user-resource-server",
                "Scopes", List.of(Match.objectLike(Map.of("ScopeName", "cms-user")))));
        template.hasResourceProperties("AWS::Cognito::UserPoolResourceServer", Map.of(
                "Identifier", "cms-service-resource-server", "Name", "cms-service-resource-server",
                "Scopes", List.of(Match.objectLike(Map.of("ScopeName", "cms-service")))));
    }

    @Test
    void usersClientUsesTheAuthorizationCodeGrantWithUserScopesAndCallbacks() {
        template.hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                "ClientName", "cms-users-client",
                "AllowedOAuthFlows", List.of("code"),
                "AllowedOAuthScopes", List.of("email", "openid", scopeOf("UserResourceServer", "cms-user")),
                "CallbackURLs", List.of("http://localhost:3000/callback"),
                "GenerateSecret", true,
                "ExplicitAuthFlows", List.of("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
                "RefreshTokenValidity", 1440));
    }

    @Test
    void bothClientsIssueAccessAndIdTokensForFifteenMinutes() {
        // The token lifetime is how long a disabled or signed-out user keeps API access.
        for (String client : List.of("cms-users-client", "cms-service-client")) {
            template.hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                    "ClientName", client,
                    "AccessTokenValidity", 15,
                    "IdTokenValidity", 15,
                    "TokenValidityUnits", Map.of("AccessToken", "minutes", "IdToken", "minutes", "RefreshToken", "minutes")));
        }
    }

    @Test
    void serviceClientUsesClientCredentialsWithOnlyTheServiceScope() {
        template.hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                "ClientName", "cms-service-client",
                "AllowedOAuthFlows", List.of("client_credentials"),
                "AllowedOAuthScopes", List.of(scopeOf("ServiceResourceServer", "cms-service")),
                "GenerateSecret", true,
                "ExplicitAuthFlows", List.of("ALLOW_REFRESH_TOKEN_AUTH")));
    }

    @Test
    void hostedDomainPrefixIsTheIdpAndTheAccount() {
        template.hasResourceProperties("AWS::Cognito::UserPoolDomain", Map.of(
                "Domain", Map.of("Fn::Join", List.of("", List.of("cms-", Map.of("Ref", "AWS::AccountId"))))));
    }

    @Test
    void idpConfigSecretHasTheOriginalKeysAndCognitoIssuerAudiencesAndScopes() {
        JsonNode idp = SecretStrings.of(template, "/solution/auth/cms/idp-config");
        assertThat(fieldNames(idp)).containsExactly("iss_domain", "alternate_aud_key", "auds", "scopes");
        assertThat(idp.get("alternate_aud_key").asText()).isEqualTo("client_id");
        assertThat(idp.get("auds")).hasSize(2);
        // Only the resource-server scopes: an openid/email-only users token must not pass.
        assertThat(idp.get("scopes").toString()).isEqualTo("[\"" + SecretStrings.DEPLOY_TIME
                + "/cms-user\",\"" + SecretStrings.DEPLOY_TIME + "/cms-service\"]");
        template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
                "Name", "/solution/auth/cms/idp-config",
                "SecretString", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("CognitoUserPool[0-9A-F]{8}"), "ProviderName")),
                        Map.of("Ref", Match.stringLikeRegexp("CognitoUserPoolUsersClient[0-9A-F]{8}")),
                        Map.of("Ref", Match.stringLikeRegexp("CognitoUserPoolServiceClient[0-9A-F]{8}"))))))));
    }

    @Test
    void serviceClientConfigSecretHoldsTheServiceClientAndItsSecret() {
        JsonNode client = SecretStrings.of(template, "/solution/auth/cms/client-config/default");
        assertThat(fieldNames(client)).containsExactly("token_endpoint", "client_id", "client_secret", "audience");
        assertThat(client.get("token_endpoint").asText()).isEqualTo("https://" + SecretStrings.DEPLOY_TIME + ".auth."
                + SecretStrings.DEPLOY_TIME + ".amazoncognito.com/oauth2/token");
        assertThat(client.get("audience").asText()).isEmpty();
        assertSecretTakesClientSecretOf("/solution/auth/cms/client-config/default", "ServiceClient");
    }

    @Test
    void authorizationCodeFlowSecretHoldsTheUsersClientAndItsSecret() {
        JsonNode flow = SecretStrings.of(template, "/solution/auth/cms/authorization-code-flow/config");
        assertThat(fieldNames(flow)).containsExactly("token_endpoint", "client_id", "client_secret");
        assertThat(flow.get("token_endpoint").asText()).endsWith(".amazoncognito.com/oauth2/token");
        assertSecretTakesClientSecretOf("/solution/auth/cms/authorization-code-flow/config", "UsersClient");
    }

    @Test
    void secretsAreEncryptedWithARotatingCustomerManagedKeyThatSecretsManagerReadersCanUse() {
        template.resourceCountIs("AWS::SecretsManager::Secret", 3);
        template.allResourcesProperties("AWS::SecretsManager::Secret", Map.of(
                "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("SecretsKey[0-9A-F]{8}"), "Arn"))));
        template.hasResourceProperties("AWS::KMS::Key", Map.of(
                "EnableKeyRotation", true,
                "KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "AllowDecryptThroughSecretsManagerInThisAccount",
                        "Action", List.of("kms:Decrypt", "kms:DescribeKey"),
                        "Condition", Map.of("StringEquals", Match.objectLike(Map.of(
                                "kms:CallerAccount", Map.of("Ref", "AWS::AccountId")))))))))));
    }

    @Test
    void publishesTheSecretArnsAtTheOriginalSsmPaths() {
        for (String[] pair : new String[][] {
            {"/solution/auth/cms/idp-config/secret/arn", "IdPSecret"},
            {"/solution/auth/cms/client-config/default/secret/arn", "ServiceClientSecret"},
            {"/solution/auth/cms/authorization-code-flow/config/secret/arn", "AuthorizationCodeFlowSecret"}}) {
            template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                    "Name", pair[0], "Value", Map.of("Ref", Match.stringLikeRegexp(pair[1] + "[0-9A-F]{8}"))));
        }
    }

    @Test
    void clientSecretReaderLogsForThreeMonthsAndMayWriteOnlyThere() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", Match.stringLikeRegexp("nodejs.*"),
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp("ClientSecretReaderLogs[0-9A-F]{8}")))));
        template.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        template.allResourcesProperties("AWS::IAM::Role", Map.of("ManagedPolicyArns", Match.absent()));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", List.of(Map.of(
                "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                "Effect", "Allow",
                "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ClientSecretReaderLogs[0-9A-F]{8}"), "Arn")))))));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("AuthSetup", template.toJSON());
    }

    private void assertSecretTakesClientSecretOf(String secretName, String client) {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
                "Name", secretName,
                "SecretString", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(
                        Map.of("Ref", Match.stringLikeRegexp("CognitoUserPool" + client + "[0-9A-F]{8}")),
                        Map.of("Fn::GetAtt", List.of(
                                Match.stringLikeRegexp("CognitoUserPool" + client + "DescribeCognitoUserPoolClient[0-9A-F]{8}"),
                                SECRET_READ))))))));
    }

    private static Object scopeOf(String resourceServer, String scope) {
        return Map.of("Fn::Join", List.of("", List.of(
                Map.of("Ref", Match.stringLikeRegexp("CognitoUserPool" + resourceServer + "[0-9A-F]{8}")), "/" + scope)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
