package io.cms.modules.provisioning;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.iot.LambdaTopicRule;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.KmsKeys;
import io.cms.constructs.secure.SecureTable;
import io.cms.lambda.common.Json;
import io.cms.provisioning.ClaimPolicy;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.VehiclePolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iot.CfnPolicy;
import software.amazon.awscdk.services.iot.CfnProvisioningTemplate;
import software.amazon.awscdk.services.iot.CfnTopicRule;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.constructs.Construct;

/**
 * The Vehicle Provisioning module: the authorized-vehicle and provisioned-vehicle tables, the
 * pre-provisioning hook, post-provisioning on registry thing events, first-connection marking,
 * the fleet-provisioning template {@code {app}--provisioning-template} and the vehicle policy.
 * Business rules live in {@code lambdas/provisioning}; this stack only wires and grants.
 */
public class ProvisioningStack extends CmsModuleStack {

    /** Thing attribute names and the template parameter come from the domain, so both sides agree. */
    private static final String VIN = Provisioning.VIN_PARAMETER;

    private final Key tablesKey;
    private final SecureTable authorizedVehicles;
    private final SecureTable provisionedVehicles;
    private final JavaFunction preProvisioning;
    private final JavaFunction postProvisioning;
    private final JavaFunction initialConnection;
    private final CfnPolicy vehiclePolicy;
    private final CfnPolicy claimPolicy;
    private final CfnProvisioningTemplate template;
    private final CfnTopicRule postProvisioningRule;
    private final CfnTopicRule initialConnectionRule;
    private final String templateName;
    private final JavaFunction customResource;
    private final CustomResource thingEvents;
    private final Key credentialsKey;
    private final String credentialsSecretName;
    private final JavaFunction claimCertificateFunction;
    private final JavaFunction claimCertificateRotation;
    private final CustomResource claimCertificate;
    private final CfnRotationSchedule rotationSchedule;

    public ProvisioningStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.PROVISIONING, context);
        this.templateName = context.appUniqueId() + "--provisioning-template";

        this.tablesKey = KmsKeys.create(this, "TablesKey", "Encrypts the Vehicle Provisioning tables");
        this.authorizedVehicles = new SecureTable(this, "AuthorizedVehicles", null, "vin", null, tablesKey, null, null);
        this.provisionedVehicles = new SecureTable(this, "ProvisionedVehicles", null, "vin", "certificate_id", tablesKey,
                null, null);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUTHORIZED_VEHICLES_TABLE_NAME", authorizedVehicles.table().getTableName());
        env.put("PROVISIONED_VEHICLES_TABLE_NAME", provisionedVehicles.table().getTableName());
        env.put("PROVISIONING_TEMPLATE_NAME", templateName);

        this.preProvisioning = function("PreProvisioning", "pre-provisioning",
                "io.cms.provisioning.handler.PreProvisioningHandler",
                "Fleet-provisioning pre-provisioning hook: only authorized VINs may provision", env, false);
        this.postProvisioning = function("PostProvisioning", "post-provisioning",
                "io.cms.provisioning.handler.PostProvisioningHandler",
                "Activates a provisioned certificate and retires the VIN's older ones", env, true);
        this.initialConnection = function("InitialConnection", "initial-connection",
                "io.cms.provisioning.handler.InitialConnectionHandler",
                "Marks a vehicle's first connection on its ACTIVE certificate", env, true);

        // Table access: exactly the item operations each handler performs.
        grantTable(preProvisioning, authorizedVehicles, "dynamodb:GetItem", "dynamodb:UpdateItem");
        grantTable(preProvisioning, provisionedVehicles, "dynamodb:GetItem", "dynamodb:PutItem");
        for (JavaFunction f : List.of(postProvisioning, initialConnection)) {
            grantTable(f, authorizedVehicles, "dynamodb:GetItem", "dynamodb:UpdateItem");
            grantTable(f, provisionedVehicles, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query");
        }
        grantTransactions(postProvisioning);
        for (JavaFunction f : List.of(preProvisioning, postProvisioning, initialConnection)) {
            f.addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"))
                    .resources(List.of(tablesKey.getKeyArn()))
                    .build());
        }

        // IoT: one certificate or one thing per call, never a listing of the account.
        postProvisioning.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:DescribeCertificate", "iot:UpdateCertificate", "iot:DeleteCertificate"))
                .resources(List.of(iotArn("cert", "*")))
                .build());
        postProvisioning.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:ListThingPrincipals", "iot:DetachThingPrincipal", "iot:DescribeThing"))
                .resources(List.of(iotArn("thing", "*")))
                .build());
        Nag.suppress(postProvisioning.role(), "AwsSolutions-IAM5",
                "Certificates and things are created by fleet provisioning at run time with ids unknown at deploy"
                        + " time; the handler only touches certificates recorded for the VIN in ProvisionedVehicles",
                "/^Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:(cert|thing)\\/\\*$/");

        // The vehicle policy: own client id, own topics (the domain builds it, partition-aware).
        this.vehiclePolicy = CfnPolicy.Builder.create(this, "VehiclePolicy")
                .policyName(naming().resourceName("vehicle-policy"))
                .policyDocument(Json.MAPPER.convertValue(
                        VehiclePolicy.forTemplate(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID), Map.class))
                .build();

        // What the shared claim certificate may do: fleet provisioning with this template, nothing else.
        this.claimPolicy = CfnPolicy.Builder.create(this, "ClaimPolicy")
                .policyName(naming().resourceName("claim-cert-provisioning-policy"))
                .policyDocument(Json.MAPPER.convertValue(
                        ClaimPolicy.document(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID, templateName), Map.class))
                .build();

        Role provisioningRole = Role.Builder.create(this, "TemplateRole")
                .assumedBy(new ServicePrincipal("iot.amazonaws.com"))
                .description("Lets the fleet-provisioning template " + templateName + " register vehicles")
                .inlinePolicies(Map.of("RegisterVehicle", PolicyDocument.Builder.create()
                        .statements(List.of(
                                PolicyStatement.Builder.create()
                                        .actions(List.of("iot:CreateThing", "iot:DescribeThing", "iot:UpdateThing",
                                                "iot:AttachThingPrincipal"))
                                        .resources(List.of(iotArn("thing", "*")))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .actions(List.of("iot:DescribeCertificate", "iot:UpdateCertificate",
                                                "iot:AttachPolicy"))
                                        .resources(List.of(iotArn("cert", "*")))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .actions(List.of("iot:AttachPolicy", "iot:GetPolicy"))
                                        .resources(List.of(iotArn("policy", vehiclePolicy.getPolicyName())))
                                        .build()))
                        .build()))
                .build();
        Nag.suppress(provisioningRole, "AwsSolutions-IAM5",
                "Fleet provisioning creates each vehicle's thing and certificate at run time; their names and ids"
                        + " cannot be known at deploy time",
                "/^Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:(cert|thing)\\/\\*$/");

        this.template = CfnProvisioningTemplate.Builder.create(this, "Template")
                .templateName(templateName)
                .description("Fleet provisioning by claim for CMS vehicles of " + context.appUniqueId())
                .enabled(true)
                .provisioningRoleArn(provisioningRole.getRoleArn())
                .templateBody(toJsonString(templateBody(vehiclePolicy.getPolicyName())))
                .preProvisioningHook(CfnProvisioningTemplate.ProvisioningHookProperty.builder()
                        .targetArn(preProvisioning.alias().getFunctionArn())
                        .payloadVersion("2020-04-01")
                        .build())
                .build();
        // Only this template may invoke the hook (a local GetAtt, as Control Tower CT.LAMBDA.PR.2 asks).
        preProvisioning.alias().addPermission("InvokedByTemplate", Permission.builder()
                .principal(new ServicePrincipal("iot.amazonaws.com"))
                .sourceArn(template.getAttrTemplateArn())
                .build());

        // IoT publishes registry thing events only when THING events are enabled for the account.
        this.customResource = new JavaFunction(this, "CustomResource", JavaFunctionProps.builder()
                .name("custom-resource")
                .lambdaModule("provisioning")
                .handler("io.cms.provisioning.handler.EventConfigurationHandler")
                .description("Enables IoT registry THING events for post-provisioning")
                .timeout(Duration.minutes(5))
                .snapStart(false)
                .build());
        customResource.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:UpdateEventConfigurations", "iot:DescribeEventConfigurations"))
                .resources(List.of("*"))
                .build());
        Nag.suppress(customResource.role(), "AwsSolutions-IAM5",
                "IoT event configurations are an account setting without a resource ARN; the role may only read"
                        + " and update them", "Resource::*");
        this.thingEvents = CustomResource.Builder.create(this, "ThingEvents")
                .serviceToken(customResource.alias().getFunctionArn())
                .resourceType("Custom::IotThingEvents")
                .build();

        // The claim certificate: kept in a secret that outlives the stack, registered in IoT by a
        // custom resource, rotated every 90 days.
        this.credentialsKey = KmsKeys.create(this, "CredentialsKey",
                "Encrypts the claim certificate and private key of " + templateName);
        this.credentialsSecretName = naming().secretName("provisioning-credentials");
        String secretArns = formatArn(ArnComponents.builder().service("secretsmanager").resource("secret")
                .resourceName(credentialsSecretName + "-??????").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        this.claimCertificateFunction = new JavaFunction(this, "ClaimCertificate", JavaFunctionProps.builder()
                .name("claim-certificate")
                .lambdaModule("provisioning")
                .handler("io.cms.provisioning.handler.ClaimCertificateHandler")
                .description("Loads or creates the claim certificate, registers it in IoT, deletes it with the stack")
                .timeout(Duration.minutes(5))
                .snapStart(false)
                .build());
        this.claimCertificateRotation = new JavaFunction(this, "ClaimCertificateRotation", JavaFunctionProps.builder()
                .name("claim-certificate-rotation")
                .lambdaModule("provisioning")
                .handler("io.cms.provisioning.handler.ClaimCertificateRotationHandler")
                .description("Secrets Manager rotation of the claim certificate")
                .timeout(Duration.minutes(1))
                .environment(Map.of("CLAIM_POLICY_NAME", claimPolicy.getRef()))
                .snapStart(false)
                .build());
        grantClaimCertificate(claimCertificateFunction, secretArns, "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue", "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecret");
        grantClaimCertificate(claimCertificateRotation, secretArns, "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage");
        claimCertificateFunction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:RegisterCertificateWithoutCA"))
                .resources(List.of(iotArn("cert", "*")))
                .build());
        // A secret kept from an earlier installation may still be encrypted under that
        // installation's (retained) key: it may be decrypted, through Secrets Manager and for this
        // secret only, so it can be re-encrypted under this stack's key.
        claimCertificateFunction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:Decrypt"))
                .resources(List.of("*"))
                .conditions(Map.of(
                        "StringEquals", Map.of("kms:ViaService", "secretsmanager." + Aws.REGION + ".amazonaws.com"),
                        "StringLike", Map.of("kms:EncryptionContext:SecretARN", secretArns)))
                .build());
        Nag.suppress(claimCertificateFunction.role(), "AwsSolutions-IAM5",
                "CreateKeysAndCertificate has no resource-level permission; the claim certificate's id is minted at"
                        + " deploy time (cert/*); a kept credentials secret may be under a retained key of an earlier"
                        + " installation, so Decrypt is allowed on any key but only through Secrets Manager for this"
                        + " one secret; the secret ARN ends in the random suffix Secrets Manager appends",
                "Resource::*", "/^Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:cert\\/\\*$/",
                "/^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:.*-\\?\\?\\?\\?\\?\\?$/");
        Nag.suppress(claimCertificateRotation.role(), "AwsSolutions-IAM5",
                "CreateKeysAndCertificate has no resource-level permission; each rotation mints a certificate whose id"
                        + " is unknown at deploy time (cert/*); the secret ARN ends in the random suffix Secrets Manager"
                        + " appends",
                "Resource::*", "/^Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:cert\\/\\*$/",
                "/^Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:.*-\\?\\?\\?\\?\\?\\?$/");

        this.claimCertificate = CustomResource.Builder.create(this, "ClaimCertificateResource")
                .serviceToken(claimCertificateFunction.alias().getFunctionArn())
                .resourceType("Custom::ClaimCertificate")
                .properties(Map.of(
                        "SecretName", credentialsSecretName,
                        "KmsKeyId", credentialsKey.getKeyArn(),
                        "PolicyName", claimPolicy.getRef()))
                .build();
        claimCertificate.getNode().addDependency(claimCertificateFunction.role());

        // Only Secrets Manager, for this secret, may invoke the rotation (the permission lives under the alias).
        claimCertificateRotation.alias().addPermission("InvokedBySecretsManager", Permission.builder()
                .principal(new ServicePrincipal("secretsmanager.amazonaws.com"))
                .sourceArn(claimCertificate.getAttString("SecretArn"))
                .build());
        this.rotationSchedule = CfnRotationSchedule.Builder.create(this, "ClaimCertificateRotationSchedule")
                .secretId(claimCertificate.getAttString("SecretArn"))
                .rotationLambdaArn(claimCertificateRotation.alias().getFunctionArn())
                .rotationRules(CfnRotationSchedule.RotationRulesProperty.builder()
                        .scheduleExpression("rate(90 days)")
                        .build())
                .rotateImmediatelyOnUpdate(false)
                .build();
        rotationSchedule.getNode().addDependency(claimCertificateRotation.alias());
        rotationSchedule.getNode().addDependency(claimCertificateRotation.role());

        this.postProvisioningRule = rule("PostProvisioningRule", "iot_post_provisioning",
                "SELECT * FROM '$aws/events/thing/+/+'", postProvisioning);
        // The VIN comes from the topic (the vehicle policy limits it to the vehicle's own) and the
        // certificate from the connection, never from what the payload claims.
        this.initialConnectionRule = rule("InitialConnectionRule", "iot_initial_connection",
                "SELECT topic(2) AS vin, principal() AS certificate_id FROM 'vehicleactive/+'", initialConnection);
    }

    /**
     * The provisioning template body: the thing named after the VIN, its attributes, the certificate,
     * the policy. Built from ordered maps because it is embedded as a string: the same input must
     * give the same template on every synth.
     */
    private Map<String, Object> templateBody(String policyName) {
        Map<String, Object> parameters = ordered(
                "AWS::IoT::Certificate::Id", ordered("Type", "String"),
                VIN, ordered("Type", "String"));
        Map<String, Object> thing = ordered(
                "Type", "AWS::IoT::Thing",
                "Properties", ordered(
                        "ThingName", ordered("Ref", VIN),
                        "AttributePayload", ordered(
                                Provisioning.ATTR_VIN, ordered("Ref", VIN),
                                Provisioning.ATTR_CERTIFICATE_ID, ordered("Ref", "AWS::IoT::Certificate::Id"),
                                Provisioning.ATTR_TEMPLATE, templateName)),
                "OverrideSettings", ordered("AttributePayload", "MERGE", "ThingTypeName", "REPLACE",
                        "ThingGroups", "DO_NOTHING"));
        Map<String, Object> certificate = ordered(
                "Type", "AWS::IoT::Certificate",
                "Properties", ordered("CertificateId", ordered("Ref", "AWS::IoT::Certificate::Id"), "Status", "Active"),
                "OverrideSettings", ordered("Status", "REPLACE"));
        Map<String, Object> policy = ordered(
                "Type", "AWS::IoT::Policy",
                "Properties", ordered("PolicyName", policyName));
        return ordered("Parameters", parameters,
                "Resources", ordered("thing", thing, "certificate", certificate, "policy", policy));
    }

    /** A map that keeps the order of its key/value pairs. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private JavaFunction function(String id, String name, String handler, String description, Map<String, String> env,
                                  boolean deadLetterQueue) {
        return new JavaFunction(this, id, JavaFunctionProps.builder()
                .name(name)
                .lambdaModule("provisioning")
                .handler(handler)
                .description(description)
                .environment(env)
                .deadLetterQueue(deadLetterQueue)
                .build());
    }

    private CfnTopicRule rule(String id, String name, String sql, JavaFunction target) {
        return LambdaTopicRule.builder(this, id)
                .ruleName(naming().iotRuleName(name))
                .sql(sql)
                .target(target)
                .errorRoleDescription("Lets rule " + naming().iotRuleName(name) + " park events it could not deliver")
                .build();
    }

    private void grantTable(JavaFunction f, SecureTable table, String... actions) {
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of(actions))
                .resources(List.of(table.table().getTableArn()))
                .build());
    }

    private void grantTransactions(JavaFunction f) {
        // TransactWriteItems is authorized per item action (UpdateItem, granted above) on each table.
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:ConditionCheckItem"))
                .resources(List.of(authorizedVehicles.table().getTableArn(), provisionedVehicles.table().getTableArn()))
                .build());
    }

    /** What both claim-certificate functions need: the secret, the key and the claim certificate's IoT calls. */
    private void grantClaimCertificate(JavaFunction f, String secretArns, String... secretActions) {
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of(secretActions))
                .resources(List.of(secretArns))
                .build());
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"))
                .resources(List.of(credentialsKey.getKeyArn()))
                .build());
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:CreateKeysAndCertificate"))
                .resources(List.of("*"))
                .build());
        f.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iot:DescribeCertificate", "iot:UpdateCertificate", "iot:DeleteCertificate",
                        "iot:AttachPolicy", "iot:DetachPolicy", "iot:ListAttachedPolicies"))
                .resources(List.of(iotArn("cert", "*")))
                .build());
    }

    private String iotArn(String resource, String name) {
        return formatArn(ArnComponents.builder().service("iot").resource(resource).resourceName(name).build());
    }

    public String templateName() {
        return templateName;
    }

    public SecureTable authorizedVehicles() {
        return authorizedVehicles;
    }

    public SecureTable provisionedVehicles() {
        return provisionedVehicles;
    }

    public JavaFunction preProvisioning() {
        return preProvisioning;
    }

    public JavaFunction postProvisioning() {
        return postProvisioning;
    }

    public JavaFunction initialConnection() {
        return initialConnection;
    }

    public CfnPolicy vehiclePolicy() {
        return vehiclePolicy;
    }

    public CfnPolicy claimPolicy() {
        return claimPolicy;
    }

    public CfnProvisioningTemplate template() {
        return template;
    }

    public CfnTopicRule postProvisioningRule() {
        return postProvisioningRule;
    }

    public JavaFunction customResource() {
        return customResource;
    }

    public CustomResource thingEvents() {
        return thingEvents;
    }

    public Key credentialsKey() {
        return credentialsKey;
    }

    /** {@code {app}/provisioning/provisioning-credentials}. */
    public String credentialsSecretName() {
        return credentialsSecretName;
    }

    public JavaFunction claimCertificateFunction() {
        return claimCertificateFunction;
    }

    public JavaFunction claimCertificateRotation() {
        return claimCertificateRotation;
    }

    public CustomResource claimCertificate() {
        return claimCertificate;
    }

    public CfnRotationSchedule rotationSchedule() {
        return rotationSchedule;
    }

    public CfnTopicRule initialConnectionRule() {
        return initialConnectionRule;
    }
}
