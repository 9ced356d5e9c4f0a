package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import io.cms.constructs.lambda.LambdaAssets;
import io.cms.modules.api.QueryFields;
import io.cms.vss.IotRuleSql;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ApiStackTest {

    private static final String PARQUET_OBJECTS = "{{resolve:ssm:/solution/cms/connect-store/s3-storage-bucket/arn}}/parquet/*";
    private static final String TELEMETRY_BUCKET = "{{resolve:ssm:/solution/cms/connect-store/s3-storage-bucket/arn}}";
    private static final String TELEMETRY_KEY = "{{resolve:ssm:/solution/cms/connect-store/s3-storage-bucket/key-arn}}";

    private final Template template = AllStacks.get().template(CmsModule.API);

    @Test
    void apiUsesTheSharedLambdaAuthorizerWithErrorLogsWithoutVerboseContentAndTracing() {
        template.hasResourceProperties("AWS::AppSync::GraphQLApi", Map.of(
                "Name", "cms-api-appsync-api",
                "AuthenticationType", "AWS_LAMBDA",
                "LambdaAuthorizerConfig", Match.objectLike(Map.of(
                        "AuthorizerUri", Map.of("Ref", Match.stringLikeRegexp("AuthorizerFunctionAlias.*")),
                        "IdentityValidationExpression", "^Bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+$")),
                "XrayEnabled", true,
                "LogConfig", Map.of("FieldLogLevel", "ERROR", "ExcludeVerboseContent", true,
                        "CloudWatchLogsRoleArn", Match.anyValue())));
        template.resourceCountIs("AWS::AppSync::GraphQLApi", 1);
    }

    @Test
    void oneRequestMayCallAtMostTenResolvers() {
        // As CMS Local's GraphQL server allows at most ten root fields: one request cannot fan out
        // into hundreds of history queries.
        template.hasResourceProperties("AWS::AppSync::GraphQLApi", Match.objectLike(Map.of(
                "Name", "cms-api-appsync-api",
                "ResolverCountLimit", 10)));
    }

    @Test
    void authorizerRunsTheSharedHandlerForTheDeploymentsIdentityProvider() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-api-authorizer",
                "Handler", "io.cms.auth.handler.AppSyncAuthorizerHandler",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("IDENTITY_PROVIDER_ID", "cms"))))));
    }

    @Test
    void onlyThisApiMayInvokeTheAuthorizer() {
        Map<String, Map<String, Object>> permissions = template.findResources("AWS::Lambda::Permission",
                Map.of("Properties", Map.of("Principal", "appsync.amazonaws.com")));
        assertThat(permissions).hasSize(1);
        assertThat(String.valueOf(permissions.values().iterator().next().get("Properties")))
                .containsPattern("SourceArn=\\{Fn::GetAtt=\\[Api[0-9A-F]{8}, Arn\\]\\}");
    }

    @Test
    void apiLogGroupHasTheThreeMonthRetention() {
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", Map.of("Fn::Join", List.of("", List.of("/aws/appsync/apis/",
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Api[0-9A-F]{8}"), "ApiId"))))),
                "RetentionInDays", 90));
    }

    @Test
    void resolvesEveryQueryOfTheSchemaThroughTheResolverFunctionsAlias() {
        template.hasResourceProperties("AWS::AppSync::DataSource", Map.of(
                "Type", "AWS_LAMBDA",
                "LambdaConfig", Map.of("LambdaFunctionArn", Map.of("Ref", Match.stringLikeRegexp("GraphQlResolverAlias.*"))),
                "ApiId", Match.anyValue(), "Name", Match.anyValue(), "ServiceRoleArn", Match.anyValue()));
        List<String> fields = QueryFields.of(schemaDefinition());
        assertThat(fields).contains("getVehicle", "listVehicles", "getVehicleHistory");
        for (String field : fields) {
            template.hasResourceProperties("AWS::AppSync::Resolver", Map.of(
                    "TypeName", "Query", "FieldName", field, "Kind", "UNIT",
                    "DataSourceName", Match.anyValue(), "ApiId", Match.anyValue()));
        }
        template.resourceCountIs("AWS::AppSync::Resolver", fields.size());
    }

    @Test
    void schemaIsTheOneShippedByTheApiLambdaModule() throws Exception {
        assertThat(schemaDefinition()).isEqualTo(Files.readString(LambdaAssets.repositoryRoot().resolve(
                "lambdas/api/src/main/resources/io/cms/api/schema.graphql")));
    }

    @Test
    void workgroupEnforcesKmsEncryptedResultsAndATenGibScanCutoff() {
        template.hasResourceProperties("AWS::Athena::WorkGroup", Match.objectLike(Map.of(
                "Name", "cms-api-athena-workgroup",
                "WorkGroupConfiguration", Map.of(
                        "EnforceWorkGroupConfiguration", true,
                        "PublishCloudWatchMetricsEnabled", true,
                        "BytesScannedCutoffPerQuery", 10L * 1024 * 1024 * 1024,
                        "ResultConfiguration", Map.of(
                                "OutputLocation", Map.of("Fn::Join", List.of("", List.of("s3://",
                                        Map.of("Ref", Match.stringLikeRegexp("AthenaResultsBucket.*")), "/results/"))),
                                "EncryptionConfiguration", Map.of("EncryptionOption", "SSE_KMS",
                                        "KmsKey", Map.of("Fn::GetAtt", List.of(
                                                Match.stringLikeRegexp("AthenaResultsKey.*"), "Arn"))))))));
    }

    @Test
    void resultsBucketIsEncryptedWithItsKeyAndExpiresResultsAfterSevenDays() {
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "aws:kms",
                                "KMSMasterKeyID", Map.of("Fn::GetAtt", List.of(
                                        Match.stringLikeRegexp("AthenaResultsKey.*"), "Arn"))))))),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Id", "ExpireQueryResults", "ExpirationInDays", 7, "Status", "Enabled")))))));
    }

    @Test
    void latestStateTableIsKeyedByVinAndEncryptedWithACustomerKey() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "vin", "KeyType", "HASH")),
                "AttributeDefinitions", List.of(Map.of("AttributeName", "vin", "AttributeType", "S")),
                "BillingMode", "PAY_PER_REQUEST",
                "SSESpecification", Match.objectLike(Map.of("SSEEnabled", true, "SSEType", "KMS")),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "DeletionProtectionEnabled", true));
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
    }

    @Test
    void everyTelemetryMessageReachesTheLatestStateFunctionAndFailuresAreParkedInItsDlq() {
        template.hasResourceProperties("AWS::IoT::TopicRule", Map.of(
                "RuleName", "cms_api_latest_state",
                "TopicRulePayload", Match.objectLike(Map.of(
                        "Sql", IotRuleSql.raw(),
                        "RuleDisabled", false,
                        "Actions", List.of(Map.of("Lambda", Map.of("FunctionArn",
                                Map.of("Ref", Match.stringLikeRegexp("LatestStateUpdateAlias.*"))))),
                        "ErrorAction", Map.of("Sqs", Map.of(
                                "QueueUrl", Map.of("Ref", Match.stringLikeRegexp("LatestStateUpdateDlq.*")),
                                "RoleArn", Map.of("Fn::GetAtt", List.of(
                                        Match.stringLikeRegexp("LatestStateRuleErrorRole.*"), "Arn"))))))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-api-latest-state-update",
                "Handler", "io.cms.api.handler.LatestStateUpdateHandler",
                "DeadLetterConfig", Map.of("TargetArn", Map.of("Fn::GetAtt", List.of(
                        Match.stringLikeRegexp("LatestStateUpdateDlq.*"), "Arn"))))));
    }

    @Test
    void onlyTheLatestStateRuleOfThisAccountMayInvokeTheUpdateFunction() {
        Map<String, Map<String, Object>> permissions = template.findResources("AWS::Lambda::Permission",
                Map.of("Properties", Map.of("Principal", "iot.amazonaws.com")));
        assertThat(permissions).hasSize(1);
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "Principal", "iot.amazonaws.com",
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("LatestStateUpdateAlias.*")),
                "SourceArn", Map.of("Fn::GetAtt", List.of("LatestStateRule", "Arn")),
                "SourceAccount", Map.of("Ref", "AWS::AccountId")));
    }

    @Test
    void ruleErrorRoleMaySendOnlyToTheDlq() {
        List<Map<String, Object>> statements = statementsOf("LatestStateRuleErrorRole");
        assertThat(statements).isNotEmpty().allSatisfy(s -> assertThat(String.valueOf(s.get("Resource")))
                .containsPattern("LatestStateUpdateDlq[0-9A-F]{8}"));
    }

    @Test
    void resolverFunctionGetsTheTableWorkgroupAndLakeItQueries() {
        Map<String, Object> variables = Map.of(
                "LATEST_STATE_TABLE", Map.of("Ref", Match.stringLikeRegexp("LatestStateTable.*")),
                "ATHENA_WORKGROUP", "cms-api-athena-workgroup",
                "GLUE_DATABASE_NAME", "{{resolve:ssm:/solution/cms/connect-store/glue-database/name}}",
                "GLUE_TABLE_NAME", "{{resolve:ssm:/solution/cms/connect-store/glue-table/name}}");
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-api-graphql-resolver",
                "Handler", "io.cms.api.handler.GraphQlResolverHandler",
                "Timeout", 30,
                "TracingConfig", Map.of("Mode", "Active"),
                "Environment", Map.of("Variables", Match.objectLike(variables)))));
    }

    @Test
    void historyTokensAreSignedWithAGeneratedKeyThatNeverAppearsInTheTemplate() {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
                "Name", "cms/api/next-token-key",
                "GenerateSecretString", Match.objectLike(Map.of("PasswordLength", 64, "ExcludePunctuation", true,
                        "IncludeSpace", false)))));
        // The resolver gets the secret's ARN and reads the key at start: the key is not in its configuration.
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-api-graphql-resolver",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("NEXT_TOKEN_KEY_SECRET_ARN",
                        Map.of("Ref", Match.stringLikeRegexp("NextTokenKey.*"))))))));
        assertThat(template.toJSON().toString()).doesNotContain("{{resolve:secretsmanager:");
        List<Map<String, Object>> secrets = withActionPrefix(statementsOf("GraphQlResolverRole"), "secretsmanager:");
        assertThat(secrets).hasSize(1);
        assertThat(secrets.get(0).get("Action")).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(String.valueOf(secrets.get(0).get("Resource"))).containsPattern("NextTokenKey");
    }

    @Test
    void resolverMayOnlyReadTheLatestStateTable() {
        List<Map<String, Object>> dynamo = withActionPrefix(statementsOf("GraphQlResolverRole"), "dynamodb:");
        assertThat(dynamo).hasSize(1);
        assertThat(dynamo.get(0).get("Action")).isEqualTo(List.of("dynamodb:GetItem", "dynamodb:Scan"));
        assertThat(String.valueOf(dynamo.get(0).get("Resource"))).containsPattern("LatestStateTable[0-9A-F]{8}");
    }

    @Test
    void resolverMayRunQueriesOnlyInTheApiWorkgroup() {
        List<Map<String, Object>> athena = withActionPrefix(statementsOf("GraphQlResolverRole"), "athena:");
        assertThat(athena).hasSize(1);
        assertThat(athena.get(0).get("Action")).isEqualTo(List.of("athena:StartQueryExecution",
                "athena:GetQueryExecution", "athena:GetQueryResults"));
        assertThat(String.valueOf(athena.get(0).get("Resource"))).endsWith(":workgroup/cms-api-athena-workgroup]]}");
    }

    @Test
    void resolverMayReadOnlyConnectAndStoresGlueTableAndParquetPrefix() {
        List<Map<String, Object>> resolver = statementsOf("GraphQlResolverRole");
        List<Map<String, Object>> glue = withActionPrefix(resolver, "glue:");
        assertThat(glue).hasSize(1);
        assertThat(String.valueOf(glue.get(0).get("Resource")))
                .contains(":catalog]]")
                .contains(":database/{{resolve:ssm:/solution/cms/connect-store/glue-database/name}}]]")
                .contains(":table/{{resolve:ssm:/solution/cms/connect-store/glue-database/name}}/"
                        + "{{resolve:ssm:/solution/cms/connect-store/glue-table/name}}]]");
        assertThat(glue.get(0).get("Action")).asList().allSatisfy(a -> assertThat(String.valueOf(a)).startsWith("glue:Get"));

        assertThat(resolver).anySatisfy(s -> assertThat(s).containsEntry("Action", "s3:GetObject")
                .containsEntry("Resource", PARQUET_OBJECTS));
        assertThat(resolver).anySatisfy(s -> assertThat(s).containsEntry("Action", "s3:ListBucket")
                .containsEntry("Resource", TELEMETRY_BUCKET)
                .containsEntry("Condition", Map.of("StringLike", Map.of("s3:prefix", List.of("parquet/*")))));
        assertThat(resolver).anySatisfy(s -> assertThat(s).containsEntry("Action", "kms:Decrypt")
                .containsEntry("Resource", TELEMETRY_KEY));
        // Nothing but reads on the telemetry bucket.
        resolver.stream().filter(s -> String.valueOf(s.get("Resource")).contains("s3-storage-bucket/arn"))
                .forEach(s -> assertThat(String.valueOf(s.get("Action")))
                        .doesNotContain("Put").doesNotContain("Delete").doesNotContain("*"));
    }

    @Test
    void resolverWritesQueryResultsOnlyUnderTheResultsPrefixOfItsBucket() {
        List<Map<String, Object>> writes = statementsOf("GraphQlResolverRole").stream()
                .filter(s -> String.valueOf(s.get("Action")).contains("s3:PutObject")).toList();
        assertThat(writes).hasSize(1);
        assertThat(String.valueOf(writes.get(0).get("Resource")))
                .containsPattern("AthenaResultsBucket[0-9A-F]{8}, Arn\\]\\}, /results/\\*");
    }

    @Test
    void latestStateFunctionMayOnlyPutIntoTheLatestStateTable() {
        List<Map<String, Object>> dynamo = withActionPrefix(statementsOf("LatestStateUpdateRole"), "dynamodb:");
        assertThat(dynamo).hasSize(1);
        assertThat(dynamo.get(0).get("Action")).isEqualTo("dynamodb:PutItem");
        assertThat(String.valueOf(dynamo.get(0).get("Resource"))).containsPattern("LatestStateTable[0-9A-F]{8}");
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-api-latest-state-update",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "LATEST_STATE_TABLE", Map.of("Ref", Match.stringLikeRegexp("LatestStateTable.*"))))))));
    }

    @Test
    void noStatementGrantsAWildcardAction() {
        for (Map<String, Object> statement : statementsOf("")) {
            Object actions = statement.get("Action");
            List<?> list = actions instanceof List<?> l ? l : List.of(actions);
            assertThat(list).as("statement %s", statement)
                    .noneSatisfy(a -> assertThat(String.valueOf(a)).matches(".*:\\*|\\*"));
        }
    }

    @Test
    void publishesTheOriginalSsmOutputs() {
        Map<String, Object> expected = Map.of(
                "athena-result-bucket/name", Map.of("Ref", Match.stringLikeRegexp("AthenaResultsBucket.*")),
                "athena-result-bucket/arn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AthenaResultsBucket.*"), "Arn")),
                "athena-result-bucket/region", Map.of("Ref", "AWS::Region"),
                "athena-result-bucket/key-arn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AthenaResultsKey.*"), "Arn")),
                "athena-workgroup/name", Map.of("Ref", "WorkGroup"),
                "graphql-endpoint/url", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Api[0-9A-F]{8}"), "GraphQLUrl")),
                "graphql-api/id", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Api[0-9A-F]{8}"), "ApiId")),
                "latest-state-table/name", Map.of("Ref", Match.stringLikeRegexp("LatestStateTable.*")));
        expected.forEach((path, value) -> template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/cms/api/" + path, "Value", value)));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/api",
                "Value", "{{resolve:ssm:/solution/cms}}"));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("Api", template.toJSON());
    }

    @SuppressWarnings("unchecked")
    private String schemaDefinition() {
        Map<String, Map<String, Object>> schemas = template.findResources("AWS::AppSync::GraphQLSchema");
        assertThat(schemas).hasSize(1);
        return String.valueOf(((Map<String, Object>) schemas.values().iterator().next().get("Properties")).get("Definition"));
    }

    /** Statements of the policies attached to roles whose logical id starts with {@code rolePrefix}. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsOf(String rolePrefix) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> properties = (Map<String, Object>) policy.get("Properties");
            if (!String.valueOf(properties.get("Roles")).contains("Ref=" + rolePrefix)) {
                continue;
            }
            Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
            found.addAll((List<Map<String, Object>>) document.get("Statement"));
        }
        return found;
    }

    private static List<Map<String, Object>> withActionPrefix(List<Map<String, Object>> statements, String prefix) {
        return statements.stream().filter(s -> String.valueOf(s.get("Action")).contains(prefix)).toList();
    }
}
