package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import io.cms.lambda.common.Json;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The Connect & Store stack from the shared all-modules synthesis (nag and cfn-guard run over every stack elsewhere). */
class ConnectStoreStackTest {

    private static final String HOURLY = "year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/"
            + "day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/";

    private final Template template = AllStacks.get().template(CmsModule.CONNECT_STORE);

    @Test
    void bucketIsKmsEncryptedVersionedLoggedAndTlsOnly() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Match.objectLike(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "aws:kms",
                                "KMSMasterKeyID", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("StorageKey.*"), "Arn"))))))),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "Storage/"))));
        String policies = Json.write(template.findResources("AWS::S3::BucketPolicy"));
        assertThat(policies).contains("aws:SecureTransport");
    }

    @Test
    void parquetStreamPartitionsByUtcHourOfTheMeasurementTimeWithTheVinAsAColumn() {
        JsonNode s3 = destination("cms-connect-store-parquet");
        assertThat(s3.path("Prefix").asText()).isEqualTo("parquet/" + HOURLY).doesNotContain("vin");
        assertThat(s3.at("/DynamicPartitioningConfiguration/Enabled").asBoolean()).isTrue();
        assertThat(processor(s3, "MetadataExtraction").toString())
                .contains("(.ts / 1000 | floor | gmtime)").contains("JQ-1.6");
        assertThat(s3.path("ErrorOutputPrefix").asText()).startsWith("errors/firehose-parquet/!{firehose:error-output-type}/");
    }

    @Test
    void parquetStreamConvertsAgainstTheGlueTable() {
        JsonNode conversion = destination("cms-connect-store-parquet").path("DataFormatConversionConfiguration");
        assertThat(conversion.path("Enabled").asBoolean()).isTrue();
        assertThat(conversion.at("/SchemaConfiguration/DatabaseName").asText()).isEqualTo("cms_connect_store");
        assertThat(conversion.at("/SchemaConfiguration/TableName").asText()).isEqualTo("telemetry");
        assertThat(conversion.at("/OutputFormatConfiguration/Serializer/ParquetSerDe/Compression").asText())
                .isEqualTo("SNAPPY");
    }

    @Test
    void rawStreamWritesGzipNdjsonInTheSameHourlyPartitions() {
        JsonNode s3 = destination("cms-connect-store-raw");
        assertThat(s3.path("Prefix").asText()).isEqualTo("raw/" + HOURLY);
        assertThat(s3.path("CompressionFormat").asText()).isEqualTo("GZIP");
        assertThat(s3.path("FileExtension").asText()).isEqualTo(".json.gz");
        assertThat(processor(s3, "AppendDelimiterToRecord").toString()).contains("\\\\n");
        assertThat(processor(s3, "MetadataExtraction").toString()).contains("(._ts / 1000 | floor | gmtime)");
        assertThat(s3.path("ErrorOutputPrefix").asText()).startsWith("errors/firehose-raw/");
    }

    @Test
    void bothStreamsAreEncryptedWithTheStorageKey() {
        template.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 2);
        template.allResourcesProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamEncryptionConfigurationInput", Map.of("KeyType", "CUSTOMER_MANAGED_CMK",
                        "KeyARN", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("StorageKey.*"), "Arn")))));
    }

    @Test
    void glueTableHasTheCatalogColumnsInFileOrder() {
        JsonNode input = tableInput();
        List<String> names = new ArrayList<>();
        input.at("/StorageDescriptor/Columns").forEach(c -> names.add(c.path("Name").asText()));
        assertThat(names).isEqualTo(new LakeSchema(VssCatalog.load()).columns());
        assertThat(input.at("/StorageDescriptor/SerdeInfo/SerializationLibrary").asText())
                .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    }

    @Test
    void glueTableProjectsUnpaddedIntegerHourPartitionsFromTheKeyLayout() {
        JsonNode input = tableInput();
        List<String> keys = new ArrayList<>();
        input.path("PartitionKeys").forEach(k -> keys.add(k.path("Name").asText() + ":" + k.path("Type").asText()));
        assertThat(keys).containsExactly("year:int", "month:int", "day:int", "hour:int");
        JsonNode p = input.path("Parameters");
        assertThat(p.path("projection.enabled").asText()).isEqualTo("true");
        assertThat(p.path("projection.month.type").asText()).isEqualTo("integer");
        assertThat(p.path("projection.month.range").asText()).isEqualTo("1,12");
        assertThat(p.path("projection.hour.range").asText()).isEqualTo("0,23");
        assertThat(p.has("projection.month.digits")).as("the layout is unpadded").isFalse();
        assertThat(p.path("storage.location.template").toString())
                .contains("/parquet/year=${year}/month=${month}/day=${day}/hour=${hour}/");
    }

    @Test
    void dataRulesFeedBothStreamsAndParkFailuresUnderErrors() {
        for (String rule : List.of("cms_connect_store_iot_save_to_raw", "cms_connect_store_iot_save_to_parquet")) {
            JsonNode payload = rule(rule).path("TopicRulePayload");
            assertThat(payload.path("Sql").asText()).endsWith("FROM 'cms/data/#'");
            assertThat(payload.at("/Actions/0/Firehose/DeliveryStreamName").isMissingNode()).isFalse();
            assertThat(payload.at("/ErrorAction/S3/Key").asText())
                    .isEqualTo("errors/iot-rules/" + rule + "/${timestamp()}-${newuuid()}.json");
        }
        assertThat(rule("cms_connect_store_iot_save_to_parquet").at("/TopicRulePayload/Sql").asText())
                .startsWith("SELECT topic(3) AS vin, ").contains("Vehicle.Speed AS vehicle_speed");
    }

    @Test
    void alarmRuleInvokesTheAlarmLambdaAndFallsBackToItsDlq() {
        JsonNode payload = rule("cms_connect_store_iot_send_to_alarm_lambda").path("TopicRulePayload");
        // The topic's VIN travels with the alarm so the Lambda can refuse alarms for another vehicle.
        assertThat(payload.path("Sql").asText())
                .isEqualTo("SELECT vin, message, topic(3) AS topic_vin FROM 'cms/notification/+'");
        assertThat(payload.at("/Actions/0/Lambda/FunctionArn/Ref").asText()).startsWith("VehicleAlarmAlias");
        assertThat(payload.at("/ErrorAction/Sqs/QueueUrl/Ref").asText()).startsWith("VehicleAlarmDlq");
    }

    @Test
    void alarmLambdaReadsOnlyTheClientSecretAndTheAlertsEndpoint() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-connect-store-vehicle-alarm",
                "Handler", "io.cms.connectstore.handler.VehicleAlarmHandler",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "IDENTITY_PROVIDER_ID", "cms",
                        "ALERTS_PUBLISH_ENDPOINT_URL_PARAMETER", "/solution/cms/alerts/publish-api/endpoint")))));
        String policy = Json.write(template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("VehicleAlarmRole")).findFirst().orElseThrow().getValue());
        assertThat(policy).contains("{{resolve:ssm:/solution/auth/cms/client-config/default/secret/arn}}")
                .contains(":parameter/solution/cms/alerts/publish-api/endpoint")
                .doesNotContain("secretsmanager:*").doesNotContain("ssm:*").doesNotContain("idp-config");
    }

    @Test
    void lakeCompactionRunsHourlyWithRoomForAnHourAndTouchesOnlyTheParquetPrefix() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "cms-connect-store-lake-compaction",
                "Handler", "io.cms.connectstore.handler.LakeCompactionHandler",
                "Timeout", 900,
                "EphemeralStorage", Map.of("Size", 8192),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("COMPACTION_MAX_HOUR_MB", "4096")))));
        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule");
        assertThat(rules).hasSize(1);
        JsonNode rule = Json.MAPPER.valueToTree(rules.values().iterator().next()).path("Properties");
        assertThat(rule.path("ScheduleExpression").asText()).isEqualTo("cron(20 * * * ? *)");
        assertThat(rule.at("/Targets/0/Arn/Ref").asText()).startsWith("LakeCompactionAlias");
        assertThat(rule.at("/Targets/0/RetryPolicy/MaximumRetryAttempts").asInt()).isEqualTo(2);
        String policy = Json.write(template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("LakeCompactionRole")).findFirst().orElseThrow().getValue());
        assertThat(policy).contains("s3:DeleteObject").contains("/parquet/*").contains("\"s3:prefix\":[\"parquet/*\"]")
                .doesNotContain("/raw/").doesNotContain("s3:*");
    }

    @Test
    void publishesTheOriginalOutputsUnderTheModulePath() {
        for (String name : List.of("glue-data-catalog/name", "glue-database/name", "glue-table/name",
                "s3-storage-bucket/name", "s3-storage-bucket/arn", "s3-storage-bucket/region",
                "s3-storage-bucket/key-arn")) {
            template.hasResourceProperties("AWS::SSM::Parameter",
                    Map.of("Name", "/solution/cms/connect-store/" + name));
        }
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of(
                "Name", "/solution/cms/connect-store/glue-table/name", "Value", "telemetry"));
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("ConnectStore", template.toJSON());
    }

    private JsonNode destination(String streamName) {
        Map<String, Map<String, Object>> streams = template.findResources("AWS::KinesisFirehose::DeliveryStream",
                Map.of("Properties", Map.of("DeliveryStreamName", streamName)));
        assertThat(streams).hasSize(1);
        return Json.MAPPER.valueToTree(streams.values().iterator().next())
                .at("/Properties/ExtendedS3DestinationConfiguration");
    }

    private static JsonNode processor(JsonNode s3, String type) {
        for (JsonNode p : s3.at("/ProcessingConfiguration/Processors")) {
            if (p.path("Type").asText().equals(type)) {
                return p.path("Parameters");
            }
        }
        throw new AssertionError("no " + type + " processor in " + s3);
    }

    private JsonNode tableInput() {
        Map<String, Map<String, Object>> tables = template.findResources("AWS::Glue::Table");
        assertThat(tables).hasSize(1);
        return Json.MAPPER.valueToTree(tables.values().iterator().next()).at("/Properties/TableInput");
    }

    private JsonNode rule(String name) {
        Map<String, Map<String, Object>> rules = template.findResources("AWS::IoT::TopicRule",
                Map.of("Properties", Map.of("RuleName", name)));
        assertThat(rules).as("rule " + name).hasSize(1);
        return Json.MAPPER.valueToTree(rules.values().iterator().next()).path("Properties");
    }
}
