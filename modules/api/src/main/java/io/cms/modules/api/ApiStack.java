package io.cms.modules.api;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.GlueArns;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.appsync.LoggedGraphqlApi;
import io.cms.constructs.auth.AppSyncAuthorizer;
import io.cms.constructs.iot.LambdaTopicRule;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.constructs.lambda.LambdaAssets;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.SecureBucket;
import io.cms.constructs.secure.SecureTable;
import io.cms.connectstore.lake.LakeLayout;
import io.cms.vss.IotRuleSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.appsync.CfnGraphQLApi;
import software.amazon.awscdk.services.appsync.Definition;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iot.CfnTopicRule;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The API module: the AppSync GraphQL API over the fleet behind the shared Lambda authorizer, the
 * per-vehicle latest-state table kept current by an IoT rule on {@code cms/data/#}, and the Athena
 * workgroup (encrypted results, per-query scan limit) with its results bucket that vehicle history
 * runs in. Business rules live in {@code lambdas/api}; this stack wires and grants.
 */
public class ApiStack extends CmsModuleStack {

    static final String LAMBDA_MODULE = "api";
    /** The one schema source: the lambdas/api resource the local GraphQL server also serves. */
    static final String SCHEMA = "lambdas/api/src/main/resources/io/cms/api/schema.graphql";
    static final String RESOLVER_HANDLER = "io.cms.api.handler.GraphQlResolverHandler";
    static final String LATEST_STATE_HANDLER = "io.cms.api.handler.LatestStateUpdateHandler";
    /** Where Connect & Store writes the Parquet lake inside its bucket (the lake writer's layout). */
    static final String PARQUET_PREFIX = LakeLayout.PARQUET + "/";
    /** The environment variable of the latest-state table (both functions). */
    static final String LATEST_STATE_TABLE_ENV = "LATEST_STATE_TABLE";
    /** Where the workgroup writes query results inside the results bucket. */
    static final String RESULTS_PREFIX = "results/";
    /**
     * The most resolver calls one request may make. Only Query fields have resolvers, so this is the
     * number of root fields (aliases included): without it one request of hundreds of aliased
     * {@code getVehicleHistory} fields is as many Lambda calls and Athena queries. CMS Local's
     * GraphQL server has the same limit ({@code GraphQlHttpServer.DEFAULT_MAX_ROOT_FIELDS}).
     */
    public static final int RESOLVER_COUNT_LIMIT = 10;

    private final ApiSettings settings;
    private final List<String> queryFields;
    private final SecureTable latestState;
    private final SecureBucket athenaResults;
    private final Secret nextTokenKey;
    private final CfnWorkGroup workGroup;
    private final JavaFunction resolver;
    private final JavaFunction latestStateUpdate;
    private final CfnTopicRule latestStateRule;
    private final AppSyncAuthorizer authorizer;
    private final GraphqlApi api;

    public ApiStack(Construct scope, CmsContext context) {
        this(scope, context, ApiSettings.from(context), LambdaAssets.repositoryRoot().resolve(SCHEMA));
    }

    /**
     * @param schema the GraphQL schema file (the lambdas/api resource in a real synth)
     */
    public ApiStack(Construct scope, CmsContext context, ApiSettings settings, Path schema) {
        super(scope, CmsModule.API, context);
        this.settings = settings;
        if (!Files.isRegularFile(schema)) {
            throw new UncheckedIOException(new IOException("GraphQL schema " + schema + " is missing; it is built by"
                    + " lambdas/api (io/cms/api/schema.graphql)"));
        }
        try {
            // Every Query field of the schema gets a resolver, so the schema stays the one source.
            this.queryFields = QueryFields.of(Files.readString(schema));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GraphQL schema " + schema, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(schema + ": " + e.getMessage(), e);
        }

        // What Connect & Store publishes (resolved at deploy time, so the API deploys after it).
        String glueDatabase = resolveSsm(naming().ssmPathOf(CmsModule.CONNECT_STORE, "glue-database/name"));
        String glueTable = resolveSsm(naming().ssmPathOf(CmsModule.CONNECT_STORE, "glue-table/name"));
        String telemetryBucketArn = resolveSsm(naming().ssmPathOf(CmsModule.CONNECT_STORE, "s3-storage-bucket/arn"));
        String telemetryKeyArn = resolveSsm(naming().ssmPathOf(CmsModule.CONNECT_STORE, "s3-storage-bucket/key-arn"));

        // Latest state: one item per VIN, written only by the IoT rule's function.
        this.latestState = new SecureTable(this, "LatestState", null, "vin", null, null, null, null);

        // Athena: results in their own bucket and key, expired after the configured days.
        this.athenaResults = new SecureBucket(this, "AthenaResults", null, null);
        athenaResults.bucket().addLifecycleRule(LifecycleRule.builder()
                .id("ExpireQueryResults")
                .expiration(Duration.days(settings.resultRetentionDays()))
                .noncurrentVersionExpiration(Duration.days(1))
                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                .build());
        String workGroupName = naming().resourceName("athena-workgroup");
        this.workGroup = CfnWorkGroup.Builder.create(this, "WorkGroup")
                .name(workGroupName)
                .description("Vehicle history queries of the CMS API " + context.appUniqueId())
                .state("ENABLED")
                // The workgroup is recreated with the stack; its query history goes with it.
                .recursiveDeleteOption(true)
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        // Clients cannot override the location, the encryption or the scan limit.
                        .enforceWorkGroupConfiguration(true)
                        .publishCloudWatchMetricsEnabled(true)
                        .bytesScannedCutoffPerQuery(settings.bytesScannedCutoffBytes())
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation("s3://" + athenaResults.bucket().getBucketName() + "/" + RESULTS_PREFIX)
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_KMS")
                                        .kmsKey(athenaResults.key().getKeyArn())
                                        .build())
                                .build())
                        .build())
                .build();
        String workGroupArn = formatArn(ArnComponents.builder().service("athena").resource("workgroup")
                .resourceName(workGroupName).build());

        // History nextTokens are signed with this key, so a caller can neither forge nor alter one. It
        // must be the same for every instance: generated once; the resolver reads it from Secrets
        // Manager at start, so it never appears in the function's configuration.
        // Letters and digits only, 64 of them: valid base64 of 48 random-ish bytes (~380 bits).
        this.nextTokenKey = Secret.Builder.create(this, "NextTokenKey")
                .secretName(naming().secretName("next-token-key"))
                .description("Signs the CMS API's history nextTokens (base64); replacing it invalidates open tokens only")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(64)
                        .excludePunctuation(true)
                        .includeSpace(false)
                        .requireEachIncludedType(false)
                        .build())
                .build();
        Nag.suppress(nextTokenKey, "AwsSolutions-SMG4",
                "The key only signs short-lived history resumption tokens and is read by the resolver at start;"
                        + " replacing it (new value + deployment) is the rotation and only invalidates tokens in flight");

        // The resolver: latest state from the table, history through the workgroup.
        Map<String, String> resolverEnv = new LinkedHashMap<>();
        resolverEnv.put(LATEST_STATE_TABLE_ENV, latestState.table().getTableName());
        resolverEnv.put("ATHENA_WORKGROUP", workGroupName);
        resolverEnv.put("GLUE_DATABASE_NAME", glueDatabase);
        resolverEnv.put("GLUE_TABLE_NAME", glueTable);
        resolverEnv.put("NEXT_TOKEN_KEY_SECRET_ARN", nextTokenKey.getSecretArn());
        this.resolver = new JavaFunction(this, "GraphQlResolver", JavaFunctionProps.builder()
                .name("graphql-resolver")
                .lambdaModule(LAMBDA_MODULE)
                .handler(RESOLVER_HANDLER)
                .description("CMS API resolver: latest vehicle state, distinct-vehicle pages and history from the lake")
                // AppSync gives a resolver 30 s; history returns a nextToken before that.
                .timeout(Duration.seconds(30))
                .environment(resolverEnv)
                .build());
        resolver.addToRolePolicy(statement(List.of("secretsmanager:GetSecretValue"), nextTokenKey.getSecretArn()));
        resolver.addToRolePolicy(statement(List.of("dynamodb:GetItem", "dynamodb:Scan"), latestState.table().getTableArn()));
        resolver.addToRolePolicy(statement(List.of("kms:Decrypt", "kms:DescribeKey"), latestState.key().getKeyArn()));
        resolver.addToRolePolicy(statement(List.of("athena:StartQueryExecution", "athena:GetQueryExecution",
                "athena:GetQueryResults"), workGroupArn));
        resolver.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"))
                .resources(GlueArns.table(this, glueDatabase, glueTable))
                .build());
        // Athena reads the lake with the caller's credentials: only the Parquet prefix, decrypted with its key.
        resolver.addToRolePolicy(statement(List.of("s3:GetObject"), telemetryBucketArn + "/" + PARQUET_PREFIX + "*"));
        resolver.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(telemetryBucketArn))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(PARQUET_PREFIX + "*"))))
                .build());
        resolver.addToRolePolicy(statement(List.of("s3:GetBucketLocation"), telemetryBucketArn));
        resolver.addToRolePolicy(statement(List.of("kms:Decrypt"), telemetryKeyArn));
        // ... and writes and reads the results in its own bucket.
        resolver.addToRolePolicy(statement(List.of("s3:GetBucketLocation", "s3:ListBucket"),
                athenaResults.bucket().getBucketArn()));
        resolver.addToRolePolicy(statement(List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts"), athenaResults.bucket().arnForObjects(RESULTS_PREFIX + "*")));
        resolver.addToRolePolicy(statement(List.of("kms:GenerateDataKey", "kms:Decrypt"),
                athenaResults.key().getKeyArn()));
        Nag.suppress(resolver.role(), "AwsSolutions-IAM5",
                "Athena reads the lake's Parquet objects and writes query results under fixed prefixes whose object"
                        + " names (partitions, query ids) are generated at run time; the grants are limited to those"
                        + " prefixes",
                // cdk-nag prints the dynamic reference with its closing braces as ">>".
                "/^Resource::\\{\\{resolve:ssm:.*/connect-store/s3-storage-bucket/arn.*/parquet/\\*$/",
                "/^Resource::<AthenaResultsBucket.*\\.Arn>/results/\\*$/");

        // Latest-state updates: IoT rule on every telemetry message -> function (DLQ) -> conditional put.
        this.latestStateUpdate = new JavaFunction(this, "LatestStateUpdate", JavaFunctionProps.builder()
                .name("latest-state-update")
                .lambdaModule(LAMBDA_MODULE)
                .handler(LATEST_STATE_HANDLER)
                .description("Keeps each vehicle's latest state; an older message never overwrites a newer one")
                .timeout(Duration.seconds(30))
                .environment(Map.of(LATEST_STATE_TABLE_ENV, latestState.table().getTableName()))
                .deadLetterQueue(true)
                .build());
        latestStateUpdate.addToRolePolicy(statement(List.of("dynamodb:PutItem"), latestState.table().getTableArn()));
        latestStateUpdate.addToRolePolicy(statement(List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                "kms:DescribeKey"), latestState.key().getKeyArn()));
        this.latestStateRule = createLatestStateRule();

        // The API: the shared Lambda authorizer, X-Ray, error-level field logs with retention.
        this.authorizer = new AppSyncAuthorizer(this, "Authorizer");
        this.api = api(schema);
        // Only this API may call the authorizer.
        authorizer.restrictInvokeTo(api);
        LoggedGraphqlApi.lambdaResolvers(api, "ResolverSource", resolver, Map.of("Query", queryFields));

        // Outputs under the original names, plus the latest-state table.
        SsmOutputs outputs = new SsmOutputs(this, "Outputs", naming());
        outputs.publish("athena-result-bucket/name", athenaResults.bucket().getBucketName(),
                "Bucket of the CMS API's Athena query results");
        outputs.publish("athena-result-bucket/arn", athenaResults.bucket().getBucketArn(),
                "ARN of the bucket of the CMS API's Athena query results");
        outputs.publish("athena-result-bucket/region", getRegion(),
                "Region of the bucket of the CMS API's Athena query results");
        outputs.publish("athena-result-bucket/key-arn", athenaResults.key().getKeyArn(),
                "KMS key encrypting the CMS API's Athena query results");
        outputs.publish("athena-workgroup/name", workGroup.getRef(), "Athena workgroup of the CMS API's history queries");
        outputs.publish("graphql-endpoint/url", api.getGraphqlUrl(), "GraphQL endpoint of the CMS API");
        outputs.publish("graphql-api/id", api.getApiId(), "AppSync API id of the CMS API");
        outputs.publish("latest-state-table/name", latestState.table().getTableName(),
                "DynamoDB table holding each vehicle's latest state");
    }

    private CfnTopicRule createLatestStateRule() {
        String ruleName = naming().iotRuleName("latest-state");
        // A message the rule cannot hand to Lambda (throttling, permission) is parked with the function's
        // own failures, so none vanishes.
        return LambdaTopicRule.builder(this, "LatestStateRule")
                .ruleName(ruleName)
                .description("Every telemetry message updates its vehicle's latest state")
                // The message as sent plus _topic, _received_at and _ts, as the handler expects.
                .sql(IotRuleSql.raw())
                .target(latestStateUpdate)
                .errorRoleDescription("Lets rule " + ruleName + " park messages it could not deliver")
                .sourceAccount(getAccount())
                .build();
    }

    private GraphqlApi api(Path schema) {
        GraphqlApi graphqlApi = LoggedGraphqlApi.create(this, "Api", naming().resourceName("appsync-api"),
                Definition.fromFile(schema.toString()), authorizer.authorizationConfig());
        ((CfnGraphQLApi) graphqlApi.getNode().getDefaultChild()).setResolverCountLimit(RESOLVER_COUNT_LIMIT);
        return graphqlApi;
    }

    private static PolicyStatement statement(List<String> actions, String resource) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build();
    }

    public ApiSettings settings() {
        return settings;
    }

    /** The Query fields of the schema, each resolved by the resolver function. */
    public List<String> queryFields() {
        return queryFields;
    }

    /** One item per VIN with the vehicle's newest signals. */
    public SecureTable latestState() {
        return latestState;
    }

    public SecureBucket athenaResults() {
        return athenaResults;
    }

    /** The key signing history nextTokens. */
    public Secret nextTokenKey() {
        return nextTokenKey;
    }

    public CfnWorkGroup workGroup() {
        return workGroup;
    }

    /** The AppSync data source function of every Query field (latest state, vehicle pages, history). */
    public JavaFunction resolver() {
        return resolver;
    }

    public JavaFunction latestStateUpdate() {
        return latestStateUpdate;
    }

    public CfnTopicRule latestStateRule() {
        return latestStateRule;
    }

    public AppSyncAuthorizer authorizer() {
        return authorizer;
    }

    public GraphqlApi api() {
        return api;
    }
}
