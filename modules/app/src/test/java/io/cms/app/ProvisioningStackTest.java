package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import io.cms.lambda.common.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The Provisioning stack from the shared all-modules synthesis (nag and cfn-guard run over every stack elsewhere). */
class ProvisioningStackTest {

    private final Template template = AllStacks.get().template(CmsModule.PROVISIONING);

    @Test
    void tablesAreEncryptedWithTheModuleKeyAndRecoverable() {
        template.resourceCountIs("AWS::DynamoDB::Table", 2);
        template.allResourcesProperties("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "SSESpecification", Map.of("SSEEnabled", true, "SSEType", "KMS"),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("KeySchema", List.of(
                Map.of("AttributeName", "vin", "KeyType", "HASH"),
                Map.of("AttributeName", "certificate_id", "KeyType", "RANGE"))));
    }

    @Test
    void templateRegistersTheThingUnderItsVinWithTheHook() {
        template.hasResourceProperties("AWS::IoT::ProvisioningTemplate", Map.of(
                "TemplateName", "cms--provisioning-template",
                "Enabled", true,
                "PreProvisioningHook", Map.of("TargetArn", Map.of("Ref", Match.stringLikeRegexp("PreProvisioningAlias.*")),
                        "PayloadVersion", "2020-04-01")));
        Map<String, Map<String, Object>> templates = template.findResources("AWS::IoT::ProvisioningTemplate");
        @SuppressWarnings("unchecked")
        Object body = ((Map<String, Object>) templates.values().iterator().next().get("Properties")).get("TemplateBody");
        String text = Json.write(body);
        assertThat(text).contains("\\\"ThingName\\\":{\\\"Ref\\\":\\\"vin\\\"}")
                .contains("provisioned_by_template").contains("cms--provisioning-template")
                .contains("cms-provisioning-vehicle-policy");
    }

    @Test
    void vehiclePolicyIsPartitionAwareAndScopedToTheVehiclesOwnTopics() {
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IoT::Policy",
                Map.of("Properties", Map.of("PolicyName", "cms-provisioning-vehicle-policy")));
        assertThat(policies).hasSize(1);
        JsonNode doc = Json.MAPPER.valueToTree(policies.values().iterator().next()).at("/Properties/PolicyDocument");
        String text = doc.toString();
        assertThat(text).doesNotContain("arn:aws:").contains("AWS::Partition")
                .contains("client/${iot:Connection.Thing.ThingName}")
                .contains("topic/cms/data/${iot:Connection.Thing.ThingName}/*")
                .contains("topic/cms/notification/${iot:Connection.Thing.ThingName}")
                .contains("topic/vehicleactive/${iot:Connection.Thing.ThingName}");
    }

    @Test
    void rulesInvokeTheAliasesAndParkFailuresInTheDeadLetterQueues() {
        template.hasResourceProperties("AWS::IoT::TopicRule", Map.of(
                "RuleName", "cms_provisioning_iot_post_provisioning",
                "TopicRulePayload", Match.objectLike(Map.of(
                        "Sql", "SELECT * FROM '$aws/events/thing/+/+'",
                        "ErrorAction", Map.of("Sqs", Match.anyValue())))));
        template.hasResourceProperties("AWS::IoT::TopicRule", Map.of(
                "RuleName", "cms_provisioning_iot_initial_connection",
                "TopicRulePayload", Match.objectLike(Map.of(
                        "Sql", "SELECT topic(2) AS vin, principal() AS certificate_id FROM 'vehicleactive/+'"))));
    }

    @Test
    void functionsGetTheirTablesAndTemplateNameFromTheEnvironment() {
        for (String name : List.of("cms-provisioning-pre-provisioning", "cms-provisioning-post-provisioning",
                "cms-provisioning-initial-connection")) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "FunctionName", name,
                    "Runtime", "java21",
                    "Environment", Map.of("Variables", Match.objectLike(Map.of(
                            "AUTHORIZED_VEHICLES_TABLE_NAME", Match.anyValue(),
                            "PROVISIONED_VEHICLES_TABLE_NAME", Match.anyValue(),
                            "PROVISIONING_TEMPLATE_NAME", "cms--provisioning-template")))));
        }
    }

    @Test
    void noRoleMayListEveryCertificateOfTheAccount() {
        String policies = Json.write(template.findResources("AWS::IAM::Policy"))
                + Json.write(template.findResources("AWS::IAM::Role"));
        assertThat(policies).doesNotContain("iot:ListCertificates").doesNotContain("\"iot:*\"")
                .doesNotContain("\"dynamodb:*\"").doesNotContain("dynamodb:Scan");
    }

    @Test
    void enablesThingEventsThroughTheCustomResource() {
        template.hasResourceProperties("Custom::IotThingEvents", Map.of(
                "ServiceToken", Map.of("Ref", Match.stringLikeRegexp("CustomResourceAlias.*"))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-provisioning-custom-resource",
                "Handler", "io.cms.provisioning.handler.EventConfigurationHandler"));
    }

    @Test
    void claimPolicyAllowsOnlyThisTemplatesProvisioningTopics() {
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IoT::Policy",
                Map.of("Properties", Map.of("PolicyName", "cms-provisioning-claim-cert-provisioning-policy")));
        assertThat(policies).hasSize(1);
        String text = Json.MAPPER.valueToTree(policies.values().iterator().next()).at("/Properties/PolicyDocument").toString();
        assertThat(text).contains("topic/$aws/provisioning-templates/cms--provisioning-template/provision/json")
                .doesNotContain("cms/data").doesNotContain("arn:aws:");
    }

    @Test
    void registersTheModule() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/provisioning"));
    }

    @Test
    void claimCertificateIsACustomResourceWithTheSecretTheKeyAndTheClaimPolicy() {
        template.hasResourceProperties("Custom::ClaimCertificate", Map.of(
                "ServiceToken", Map.of("Ref", Match.stringLikeRegexp("ClaimCertificateAlias.*")),
                "SecretName", "cms/provisioning/provisioning-credentials",
                "KmsKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("CredentialsKey.*"), "Arn")),
                "PolicyName", Map.of("Ref", Match.stringLikeRegexp("ClaimPolicy.*"))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-provisioning-claim-certificate",
                "Handler", "io.cms.provisioning.handler.ClaimCertificateHandler"));
    }

    @Test
    void claimCertificateRotatesEveryNinetyDaysThroughTheRotationAliasNotAtDeployTime() {
        template.hasResourceProperties("AWS::SecretsManager::RotationSchedule", Map.of(
                "SecretId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ClaimCertificateResource.*"), "SecretArn")),
                "RotationLambdaARN", Map.of("Ref", Match.stringLikeRegexp("ClaimCertificateRotationAlias.*")),
                "RotationRules", Map.of("ScheduleExpression", "rate(90 days)"),
                "RotateImmediatelyOnUpdate", false));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-provisioning-claim-certificate-rotation",
                "Handler", "io.cms.provisioning.handler.ClaimCertificateRotationHandler",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "CLAIM_POLICY_NAME", Map.of("Ref", Match.stringLikeRegexp("ClaimPolicy.*")))))));
    }

    @Test
    void onlySecretsManagerMayInvokeTheRotationForThisSecret() {
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Principal", "secretsmanager.amazonaws.com",
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("ClaimCertificateRotationAlias.*")),
                "SourceArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ClaimCertificateResource.*"), "SecretArn"))));
    }

    @Test
    void claimCertificateRolesReachOnlyTheCredentialsSecret() {
        String policies = Json.write(template.findResources("AWS::IAM::Policy",
                Map.of("Properties", Map.of("Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("ClaimCertificate.*Role.*")))))));
        assertThat(policies).contains("secret:cms/provisioning/provisioning-credentials-??????")
                .contains("secretsmanager:UpdateSecretVersionStage").contains("iot:CreateKeysAndCertificate")
                .doesNotContain("secretsmanager:DeleteSecret").doesNotContain("\"secretsmanager:*\"")
                .doesNotContain("\"kms:*\"");
    }

    @Test
    void decryptOnOtherKeysOnlyThroughSecretsManagerForTheCredentialsSecret() {
        Map<String, Object> statement = Map.of(
                "Action", "kms:Decrypt",
                "Resource", "*",
                "Condition", Map.of(
                        "StringEquals", Map.of("kms:ViaService", Match.anyValue()),
                        "StringLike", Map.of("kms:EncryptionContext:SecretARN", Match.anyValue())));
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of(
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(statement)))))));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("Provisioning", template.toJSON());
    }
}
