package io.cms.modules.connectstore;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.GlueArns;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.iot.LambdaTopicRule;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.constructs.nag.Nag;
import io.cms.constructs.secure.KmsKeys;
import io.cms.constructs.secure.SecureBucket;
import io.cms.vss.IotRuleSql;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnTable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iot.CfnTopicRule;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogStream;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The Connect & Store module: the telemetry bucket, two Firehose streams fed by IoT rules on
 * {@code cms/data/#} (raw gzip NDJSON, and Parquet converted against the Glue table), the Glue
 * table with partition projection over the Parquet prefix, the vehicle-alarm Lambda on
 * {@code cms/notification/+}, and the hourly lake compaction Lambda.
 *
 * <p>The key layout is the lake writer's ({@code raw|parquet/year=Y/month=M/day=D/hour=H/}, unpadded,
 * by measurement time, VIN a column): Athena prunes by time with no crawler, and the partition
 * count does not grow with the fleet. Columns, rule SQL and the partition query are derived from
 * the VSS catalog ({@code io.cms.vss}); this stack only wires and grants.
 */
public class ConnectStoreStack extends CmsModuleStack {

    /** The Parquet and raw prefixes (as {@code LakeLayout}) and the prefix where failed deliveries land. */
    public static final String PARQUET_PREFIX = "parquet/";
    public static final String RAW_PREFIX = "raw/";
    public static final String ERRORS_PREFIX = "errors/";
    /** Glue table name. */
    public static final String TABLE_NAME = "telemetry";
    /** Partition projection ranges: the validator accepts measurement times from 2000 on. */
    static final String YEAR_RANGE = "2000,2099";

    private static final String ALERTS_ENDPOINT_RELATIVE = "publish-api/endpoint";
    /** Largest hour the compaction merges, in MiB; its function gets twice that as /tmp. */
    static final int COMPACTION_MAX_HOUR_MB = 4096;

    private final Key key;
    private final SecureBucket storage;
    private final CfnDatabase database;
    private final CfnTable table;
    private final String databaseName;
    private final LogGroup firehoseLogs;
    private final Role firehoseRole;
    private final CfnDeliveryStream rawStream;
    private final CfnDeliveryStream parquetStream;
    private final CfnTopicRule rawRule;
    private final CfnTopicRule parquetRule;
    private final JavaFunction vehicleAlarm;
    private final CfnTopicRule alarmRule;
    private final SsmOutputs outputs;

    public ConnectStoreStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.CONNECT_STORE, context);
        LakeSchema schema = new LakeSchema(VssCatalog.load());

        this.key = KmsKeys.create(this, "StorageKey", "Encrypts the Connect & Store telemetry lake and its streams");
        this.storage = new SecureBucket(this, "Storage", key, null);
        String bucketName = storage.bucket().getBucketName();
        // The lake is append-only: old versions exist only after a compaction rewrite or a mistake,
        // and a failed multipart upload leaves invisible parts that would be billed forever.
        storage.bucket().addLifecycleRule(LifecycleRule.builder()
                .id("ExpireOldVersionsAndAbandonedUploads")
                .noncurrentVersionExpiration(Duration.days(30))
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .build());

        // Glue: the Parquet prefix as a table, partitions projected from the key layout.
        this.databaseName = (context.appUniqueId() + "_connect_store").replace('-', '_');
        this.database = CfnDatabase.Builder.create(this, "Database")
                .catalogId(Aws.ACCOUNT_ID)
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder()
                        .name(databaseName)
                        .description("CMS " + context.appUniqueId() + " telemetry lake (Connect & Store)")
                        .build())
                .build();
        this.table = CfnTable.Builder.create(this, "Table")
                .catalogId(Aws.ACCOUNT_ID)
                .databaseName(databaseName)
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(TABLE_NAME)
                        .description("One row per accepted telemetry message; generated from the VSS "
                                + schema.catalog().vssVersion() + " catalog")
                        .tableType("EXTERNAL_TABLE")
                        .parameters(tableParameters(bucketName))
                        .partitionKeys(columns(schema.gluePartitionKeys()))
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .location("s3://" + bucketName + "/" + PARQUET_PREFIX)
                                .inputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
                                        .parameters(Map.of("serialization.format", "1"))
                                        .build())
                                .columns(columns(schema.glueColumns()))
                                .build())
                        .build())
                .build();
        table.addDependency(database);

        // Firehose: one role for both streams, writing only under its prefixes.
        this.firehoseLogs = LogGroup.Builder.create(this, "FirehoseLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.firehoseRole = Role.Builder.create(this, "FirehoseRole")
                .assumedBy(new ServicePrincipal("firehose.amazonaws.com"))
                .description("Lets the Connect & Store delivery streams write the telemetry lake")
                .build();
        firehoseRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"))
                .resources(List.of(storage.bucket().getBucketArn()))
                .build());
        firehoseRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"))
                .resources(List.of(storage.bucket().arnForObjects(RAW_PREFIX + "*"),
                        storage.bucket().arnForObjects(PARQUET_PREFIX + "*"),
                        storage.bucket().arnForObjects(ERRORS_PREFIX + "*")))
                .build());
        firehoseRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of(key.getKeyArn()))
                .build());
        firehoseRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"))
                .resources(GlueArns.table(this, databaseName, TABLE_NAME))
                .build());
        firehoseRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:PutLogEvents"))
                .resources(List.of(firehoseLogs.getLogGroupArn()))
                .build());
        Nag.suppress(firehoseRole, "AwsSolutions-IAM5",
                "Firehose names each object it writes (partition keys, time, random suffix); the role may write only"
                        + " under the raw/, parquet/ and errors/ prefixes of the one telemetry bucket, and put log"
                        + " events into the streams of its own log group",
                "/^Resource::<StorageBucket[0-9A-F]{8}\\.Arn>\\/(raw|parquet|errors)\\/\\*$/",
                "/^Resource::<FirehoseLogs[0-9A-F]{8}\\.Arn>:\\*$/");

        this.rawStream = deliveryStream("RawStream", "raw", CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty
                .builder()
                .prefix(RAW_PREFIX + IotRuleSql.partitionPrefix())
                .errorOutputPrefix(errorPrefix("firehose-raw"))
                .compressionFormat("GZIP")
                .fileExtension(".json.gz")
                .processingConfiguration(processing(IotRuleSql.RAW_TS, true)));
        this.parquetStream = deliveryStream("ParquetStream", "parquet",
                CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.builder()
                        .prefix(PARQUET_PREFIX + IotRuleSql.partitionPrefix())
                        .errorOutputPrefix(errorPrefix("firehose-parquet"))
                        // Parquet compresses its pages itself (Snappy); Firehose requires UNCOMPRESSED here.
                        .compressionFormat("UNCOMPRESSED")
                        .fileExtension(".parquet")
                        .processingConfiguration(processing(LakeSchema.TS, false))
                        .dataFormatConversionConfiguration(
                                CfnDeliveryStream.DataFormatConversionConfigurationProperty.builder()
                                        .enabled(true)
                                        .inputFormatConfiguration(CfnDeliveryStream.InputFormatConfigurationProperty
                                                .builder()
                                                .deserializer(CfnDeliveryStream.DeserializerProperty.builder()
                                                        .openXJsonSerDe(CfnDeliveryStream.OpenXJsonSerDeProperty
                                                                .builder()
                                                                .caseInsensitive(false)
                                                                .convertDotsInJsonKeysToUnderscores(false)
                                                                .build())
                                                        .build())
                                                .build())
                                        .outputFormatConfiguration(CfnDeliveryStream.OutputFormatConfigurationProperty
                                                .builder()
                                                .serializer(CfnDeliveryStream.SerializerProperty.builder()
                                                        .parquetSerDe(CfnDeliveryStream.ParquetSerDeProperty.builder()
                                                                .compression("SNAPPY")
                                                                .build())
                                                        .build())
                                                .build())
                                        .schemaConfiguration(CfnDeliveryStream.SchemaConfigurationProperty.builder()
                                                .catalogId(Aws.ACCOUNT_ID)
                                                .region(Aws.REGION)
                                                .databaseName(databaseName)
                                                .tableName(TABLE_NAME)
                                                .versionId("LATEST")
                                                .roleArn(firehoseRole.getRoleArn())
                                                .build())
                                        .build()));
        parquetStream.addDependency(table);

        // IoT: cms/data/# into both streams; what a rule cannot deliver lands under errors/.
        this.rawRule = firehoseRule("RawRule", "iot_save_to_raw", IotRuleSql.raw(), rawStream);
        this.parquetRule = firehoseRule("ParquetRule", "iot_save_to_parquet", IotRuleSql.lakeRow(schema),
                parquetStream);

        // Vehicle alarms: cms/notification/{vin} → Alerts publish API.
        String idp = context.identityProviderId();
        String endpointParameter = naming().ssmPathOf(CmsModule.ALERTS, ALERTS_ENDPOINT_RELATIVE);
        String clientSecretArnParameter = "/solution/auth/" + idp + "/client-config/default/secret/arn";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IDENTITY_PROVIDER_ID", idp);
        env.put("ALERTS_PUBLISH_ENDPOINT_URL_PARAMETER", endpointParameter);
        this.vehicleAlarm = new JavaFunction(this, "VehicleAlarm", JavaFunctionProps.builder()
                .name("vehicle-alarm")
                .lambdaModule("connect-store")
                .handler("io.cms.connectstore.handler.VehicleAlarmHandler")
                .description("Publishes vehicle alarms from cms/notification/{vin} to the Alerts API")
                // 4 attempts of at most 30 s each, with backoff, plus a token request.
                .timeout(Duration.minutes(3))
                .environment(env)
                .deadLetterQueue(true)
                .build());
        vehicleAlarm.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:GetParameter"))
                .resources(List.of(parameterArn(endpointParameter), parameterArn(clientSecretArnParameter)))
                .build());
        vehicleAlarm.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(resolveSsm(clientSecretArnParameter)))
                .build());
        this.alarmRule = createAlarmRule();

        // Hourly: merge the Parquet objects Firehose wrote into each closed hour (one per buffer interval).
        JavaFunction lakeCompaction = new JavaFunction(this, "LakeCompaction", JavaFunctionProps.builder()
                .name("lake-compaction")
                .lambdaModule("connect-store")
                .handler("io.cms.connectstore.handler.LakeCompactionHandler")
                .description("Merges the Parquet objects of each closed hour of the telemetry lake into one")
                .timeout(Duration.minutes(15))
                .memoryMb(2048)
                // An hour's objects and their merged copy must fit /tmp (COMPACTION_MAX_HOUR_MB is half of it).
                .ephemeralStorageMb(2 * COMPACTION_MAX_HOUR_MB)
                .environment(Map.of("BUCKET_NAME", bucketName,
                        "COMPACTION_MAX_HOUR_MB", Integer.toString(COMPACTION_MAX_HOUR_MB)))
                .snapStart(false)
                .build());
        lakeCompaction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(storage.bucket().getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(PARQUET_PREFIX + "*"))))
                .build());
        lakeCompaction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"))
                .resources(List.of(storage.bucket().arnForObjects(PARQUET_PREFIX + "*")))
                .build());
        lakeCompaction.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of(key.getKeyArn()))
                .build());
        Nag.suppress(lakeCompaction.role(), "AwsSolutions-IAM5",
                "The compaction reads, writes and deletes the objects of closed hours, whose names Firehose chooses;"
                        + " it may touch only the parquet/ prefix of the one telemetry bucket",
                "/^Resource::<StorageBucket[0-9A-F]{8}\\.Arn>\\/parquet\\/\\*$/");
        Rule.Builder.create(this, "LakeCompactionSchedule")
                .ruleName(naming().resourceName("lake-compaction"))
                .description("Runs the lake compaction at 20 past every hour (the previous hour is closed by then)")
                .schedule(Schedule.cron(CronOptions.builder().minute("20").build()))
                .targets(List.of(LambdaFunction.Builder.create(lakeCompaction.alias())
                        .retryAttempts(2)
                        .maxEventAge(Duration.hours(1))
                        .build()))
                .build();

        this.outputs = new SsmOutputs(this, "Outputs", naming());
        outputs.publish("glue-data-catalog/name", "AwsDataCatalog", "Athena data catalog of the telemetry table");
        outputs.publish("glue-database/name", databaseName, "Glue database of the telemetry lake");
        outputs.publish("glue-table/name", TABLE_NAME, "Glue table over the Parquet prefix (partition projection)");
        outputs.publish("s3-storage-bucket/name", bucketName, "Telemetry lake bucket");
        outputs.publish("s3-storage-bucket/arn", storage.bucket().getBucketArn(), "Telemetry lake bucket ARN");
        outputs.publish("s3-storage-bucket/region", Aws.REGION, "Region of the telemetry lake bucket");
        outputs.publish("s3-storage-bucket/key-arn", key.getKeyArn(), "KMS key of the telemetry lake");
    }

    private Map<String, String> tableParameters(String bucketName) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("classification", "parquet");
        p.put("EXTERNAL", "TRUE");
        p.put("parquet.compression", "SNAPPY");
        p.put("projection.enabled", "true");
        p.put("projection.year.type", "integer");
        p.put("projection.year.range", YEAR_RANGE);
        p.put("projection.month.type", "integer");
        p.put("projection.month.range", "1,12");
        p.put("projection.day.type", "integer");
        p.put("projection.day.range", "1,31");
        p.put("projection.hour.type", "integer");
        p.put("projection.hour.range", "0,23");
        StringBuilder template = new StringBuilder("s3://").append(bucketName).append('/').append(PARQUET_PREFIX);
        for (String k : LakeSchema.PARTITION_KEYS) {
            template.append(k).append("=${").append(k).append("}/");
        }
        p.put("storage.location.template", template.toString());
        return p;
    }

    private static List<Object> columns(List<LakeSchema.GlueColumn> in) {
        List<Object> out = new ArrayList<>();
        for (LakeSchema.GlueColumn c : in) {
            out.add(CfnTable.ColumnProperty.builder().name(c.name()).type(c.hiveType()).comment(c.comment()).build());
        }
        return out;
    }

    private static String errorPrefix(String source) {
        return ERRORS_PREFIX + source + "/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:M}"
                + "/day=!{timestamp:d}/hour=!{timestamp:H}/";
    }

    /** JQ partition keys from the measurement time; the raw stream also gets one line per record. */
    private static CfnDeliveryStream.ProcessingConfigurationProperty processing(String tsField, boolean newlines) {
        List<Object> processors = new ArrayList<>();
        processors.add(CfnDeliveryStream.ProcessorProperty.builder()
                .type("MetadataExtraction")
                .parameters(List.of(
                        parameter("MetadataExtractionQuery", IotRuleSql.partitionQuery(tsField)),
                        parameter("JsonParsingEngine", "JQ-1.6")))
                .build());
        if (newlines) {
            processors.add(CfnDeliveryStream.ProcessorProperty.builder()
                    .type("AppendDelimiterToRecord")
                    .parameters(List.of(parameter("Delimiter", "\\n")))
                    .build());
        }
        return CfnDeliveryStream.ProcessingConfigurationProperty.builder().enabled(true).processors(processors).build();
    }

    private static CfnDeliveryStream.ProcessorParameterProperty parameter(String name, String value) {
        return CfnDeliveryStream.ProcessorParameterProperty.builder().parameterName(name).parameterValue(value).build();
    }

    private CfnDeliveryStream deliveryStream(String id, String name,
                                             CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.Builder s3) {
        LogStream logStream = LogStream.Builder.create(this, id + "LogStream")
                .logGroup(firehoseLogs)
                .logStreamName(name)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        CfnDeliveryStream stream = CfnDeliveryStream.Builder.create(this, id)
                .deliveryStreamName(naming().resourceName(name))
                .deliveryStreamType("DirectPut")
                .deliveryStreamEncryptionConfigurationInput(
                        CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty.builder()
                                .keyType("CUSTOMER_MANAGED_CMK")
                                .keyArn(key.getKeyArn())
                                .build())
                .extendedS3DestinationConfiguration(s3
                        .bucketArn(storage.bucket().getBucketArn())
                        .roleArn(firehoseRole.getRoleArn())
                        // Dynamic partitioning needs at least 64 MB; 60 s keeps the lake a minute behind.
                        .bufferingHints(CfnDeliveryStream.BufferingHintsProperty.builder()
                                .intervalInSeconds(60)
                                .sizeInMBs(128)
                                .build())
                        .dynamicPartitioningConfiguration(
                                CfnDeliveryStream.DynamicPartitioningConfigurationProperty.builder()
                                        .enabled(true)
                                        .retryOptions(CfnDeliveryStream.RetryOptionsProperty.builder()
                                                .durationInSeconds(300)
                                                .build())
                                        .build())
                        .encryptionConfiguration(CfnDeliveryStream.EncryptionConfigurationProperty.builder()
                                .kmsEncryptionConfig(CfnDeliveryStream.KMSEncryptionConfigProperty.builder()
                                        .awskmsKeyArn(key.getKeyArn())
                                        .build())
                                .build())
                        .cloudWatchLoggingOptions(CfnDeliveryStream.CloudWatchLoggingOptionsProperty.builder()
                                .enabled(true)
                                .logGroupName(firehoseLogs.getLogGroupName())
                                .logStreamName(logStream.getLogStreamName())
                                .build())
                        .s3BackupMode("Disabled")
                        .build())
                .build();
        // The stream must not start before its role may write (it would fail its first delivery).
        stream.getNode().addDependency(firehoseRole);
        return stream;
    }

    private CfnTopicRule firehoseRule(String id, String name, String sql, CfnDeliveryStream stream) {
        String ruleName = naming().iotRuleName(name);
        Role role = Role.Builder.create(this, id + "Role")
                .assumedBy(new ServicePrincipal("iot.amazonaws.com"))
                .description("Lets rule " + ruleName + " put records into " + stream.getDeliveryStreamName()
                        + " and park what it cannot deliver under errors/")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("firehose:PutRecord", "firehose:PutRecordBatch"))
                .resources(List.of(stream.getAttrArn()))
                .build());
        String errorKeyPrefix = ERRORS_PREFIX + "iot-rules/" + ruleName + "/";
        grantErrorWrites(role, errorKeyPrefix);
        CfnTopicRule rule = CfnTopicRule.Builder.create(this, id)
                .ruleName(ruleName)
                .topicRulePayload(CfnTopicRule.TopicRulePayloadProperty.builder()
                        .sql(sql)
                        .awsIotSqlVersion("2016-03-23")
                        .ruleDisabled(false)
                        .description("cms/data/# into the " + stream.getDeliveryStreamName() + " delivery stream")
                        .actions(List.of(CfnTopicRule.ActionProperty.builder()
                                .firehose(CfnTopicRule.FirehoseActionProperty.builder()
                                        .deliveryStreamName(stream.getRef())
                                        .roleArn(role.getRoleArn())
                                        .batchMode(false)
                                        .build())
                                .build()))
                        .errorAction(errorAction(role, errorKeyPrefix))
                        .build())
                .build();
        rule.getNode().addDependency(role);
        return rule;
    }

    /** The alarm rule: topic {@code cms/notification/{vin}}, so {@code topic(3)} is the VIN. */
    private CfnTopicRule createAlarmRule() {
        String ruleName = naming().iotRuleName("iot_send_to_alarm_lambda");
        return LambdaTopicRule.builder(this, "AlarmRule")
                .ruleName(ruleName)
                .description("Vehicle alarms to the vehicle-alarm Lambda")
                // The topic's VIN goes with the alarm so the Lambda refuses alarms a vehicle raises for
                // another VIN (the vehicle policy limits only the topic, not the payload). Only the named
                // fields are selected, so a payload cannot bring its own topic_vin. The vehicle policy
                // allows exactly cms/notification/{vin}, so '+' matches every topic a vehicle may use.
                .sql("SELECT vin, message, topic(3) AS topic_vin FROM 'cms/notification/+'")
                .target(vehicleAlarm)
                .errorRoleDescription("Lets rule " + ruleName + " park alarms it could not deliver in the Lambda's DLQ")
                .invokePermissionId("InvokedByAlarmRule")
                .build();
    }

    /** The error action: the rule's error message (with the failed payload, base64) as one object. */
    private CfnTopicRule.ActionProperty errorAction(Role role, String keyPrefix) {
        return CfnTopicRule.ActionProperty.builder()
                .s3(CfnTopicRule.S3ActionProperty.builder()
                        .bucketName(storage.bucket().getBucketName())
                        .key(keyPrefix + "${timestamp()}-${newuuid()}.json")
                        .roleArn(role.getRoleArn())
                        .build())
                .build();
    }

    private void grantErrorWrites(Role role, String keyPrefix) {
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(storage.bucket().arnForObjects(keyPrefix + "*")))
                .build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("kms:GenerateDataKey"))
                .resources(List.of(key.getKeyArn()))
                .build());
        Nag.suppress(role, "AwsSolutions-IAM5",
                "Each error object gets a new key (time and a random id); the role may only put objects under this"
                        + " rule's own errors/ prefix",
                "/^Resource::<StorageBucket[0-9A-F]{8}\\.Arn>\\/errors\\/iot-rules\\/.*\\/\\*$/");
    }

    private String parameterArn(String name) {
        return formatArn(ArnComponents.builder().service("ssm").resource("parameter")
                .resourceName(name.substring(1)).build());
    }

    public Key key() {
        return key;
    }

    public SecureBucket storage() {
        return storage;
    }

    public CfnDatabase database() {
        return database;
    }

    public CfnTable table() {
        return table;
    }

    public String databaseName() {
        return databaseName;
    }

    public CfnDeliveryStream rawStream() {
        return rawStream;
    }

    public CfnDeliveryStream parquetStream() {
        return parquetStream;
    }

    public CfnTopicRule rawRule() {
        return rawRule;
    }

    public CfnTopicRule parquetRule() {
        return parquetRule;
    }

    public JavaFunction vehicleAlarm() {
        return vehicleAlarm;
    }

    public CfnTopicRule alarmRule() {
        return alarmRule;
    }

    public SsmOutputs outputs() {
        return outputs;
    }
}
