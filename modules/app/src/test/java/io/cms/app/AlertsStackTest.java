package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.app.testing.AllStacks;
import io.cms.app.testing.Snapshots;
import io.cms.constructs.CmsModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class AlertsStackTest {

    private final Template template = AllStacks.get().template(CmsModule.ALERTS);

    @Test
    void intakeQueueMovesAMessageToItsEncryptedDeadLetterQueueAfterFiveReceives() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(
                        Match.stringLikeRegexp("IntakeDlq.*"), "Arn")), "maxReceiveCount", 5),
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("IntakeKey.*"), "Arn"))));
        template.allResourcesProperties("AWS::SQS::Queue", Map.of("KmsMasterKeyId", Match.anyValue()));
    }

    @Test
    void intakeTopicIsEncryptedAndDeliversToTheQueue() {
        template.hasResourceProperties("AWS::SNS::Topic", Map.of(
                "TopicName", "cms-alerts-intake",
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("TopicsKey.*"), "Arn"))));
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "sqs",
                "Endpoint", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("IntakeQueue.*"), "Arn"))));
    }

    @Test
    void snsMayUseTheIntakeKeyOnlyForTheIntakeTopic() {
        template.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("KeyPolicy", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "sns.amazonaws.com"),
                        "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn",
                                Map.of("Ref", Match.stringLikeRegexp("IntakeTopic.*"))))))))))));
    }

    @Test
    void createAlertsReadsTheQueueThroughItsAliasWithPartialBatchResponses() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("IntakeQueue.*"), "Arn")),
                "FunctionName", liveAliasOf("CreateAlertsAlias.*"),
                "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
    }

    @Test
    void sendNotificationsReadsNewImagesAndParksRecordsThatKeepFailing() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("NotificationsTable.*"), "StreamArn")),
                "FunctionName", liveAliasOf("SendNotificationsAlias.*"),
                "StartingPosition", "TRIM_HORIZON",
                "MaximumRetryAttempts", 3,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Map.of("Fn::GetAtt", List.of(
                        Match.stringLikeRegexp("SendNotificationsFailures.*"), "Arn"))))));
    }

    @Test
    void notificationsTableHasTtlNewImageStreamVinIndexAndCustomerKey() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "topic", "KeyType", "HASH"),
                        Map.of("AttributeName", "timestamp", "KeyType", "RANGE")),
                "StreamSpecification", Map.of("StreamViewType", "NEW_IMAGE"),
                "TimeToLiveSpecification", Map.of("AttributeName", "ttl", "Enabled", true),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", "vin-index"))),
                "SSESpecification", Match.objectLike(Map.of("SSEEnabled", true, "SSEType", "KMS")),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "email", "KeyType", "HASH"),
                        Map.of("AttributeName", "topic_key", "KeyType", "RANGE"))));
    }

    @Test
    void perVinTopicActionsAreLimitedToTheTopicPrefix() {
        List<Map<String, Object>> snsStatements = statementsWithActionPrefix("sns:");
        assertThat(snsStatements).isNotEmpty();
        for (Map<String, Object> statement : snsStatements) {
            String resource = String.valueOf(statement.get("Resource"));
            if (String.valueOf(statement.get("Action")).contains("sns:CreateTopic")) {
                assertThat(resource).contains(":cms-vin-*").contains("AWS::Partition").contains("AWS::Region")
                        .contains("AWS::AccountId");
            } else {
                assertThat(resource).as("sns statement %s", statement).isNotEqualTo("*");
            }
        }
        assertThat(snsStatements).anySatisfy(s -> assertThat(String.valueOf(s.get("Action")))
                .contains("sns:Subscribe").contains("sns:Unsubscribe"));
        // Both functions that create per-VIN topics may give a topic of an earlier release its TLS-only policy.
        assertThat(snsStatements.stream().filter(s -> String.valueOf(s.get("Action")).contains("sns:CreateTopic")))
                .hasSize(2).allSatisfy(s -> assertThat(String.valueOf(s.get("Action"))).contains("sns:SetTopicAttributes"));
    }

    @Test
    void publishMayPublishOnlyToTheIntakeTopic() {
        template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PublishRole.*"))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", "sns:Publish",
                        "Resource", Map.of("Ref", Match.stringLikeRegexp("IntakeTopic.*"))))))))));
    }

    @Test
    void bothApisUseTheLambdaAuthorizerWithErrorLogsAndTracing() {
        for (String name : List.of("cms-alerts-publish-api", "cms-alerts-frontend-api")) {
            template.hasResourceProperties("AWS::AppSync::GraphQLApi", Map.of(
                    "Name", name,
                    "AuthenticationType", "AWS_LAMBDA",
                    "LambdaAuthorizerConfig", Match.objectLike(Map.of(
                            "AuthorizerUri", Map.of("Ref", Match.stringLikeRegexp("AuthorizerFunctionAlias.*")))),
                    "XrayEnabled", true,
                    "LogConfig", Map.of("FieldLogLevel", "ERROR", "ExcludeVerboseContent", true,
                            "CloudWatchLogsRoleArn", Match.anyValue())));
        }
        template.resourceCountIs("AWS::AppSync::GraphQLApi", 2);
    }

    @Test
    void onlyTheTwoApisMayInvokeTheAuthorizer() {
        Map<String, Map<String, Object>> permissions = template.findResources("AWS::Lambda::Permission",
                Map.of("Properties", Map.of("Principal", "appsync.amazonaws.com")));
        assertThat(permissions).hasSize(2);
        permissions.values().forEach(p -> assertThat(String.valueOf(p.get("Properties")))
                .containsPattern("SourceArn=\\{Fn::GetAtt=\\[(PublishApi|FrontendApi)[0-9A-F]{8}, Arn\\]\\}"));
    }

    @Test
    void resolvesEveryOperationOfBothSchemasThroughItsFunction() {
        for (List<String> field : List.of(List.of("Mutation", "publish"), List.of("Query", "getUserSubscriptions"),
                List.of("Mutation", "updateUserSubscriptions"), List.of("Query", "listNotifications"),
                List.of("Mutation", "markNotificationRead"))) {
            template.hasResourceProperties("AWS::AppSync::Resolver", Map.of(
                    "TypeName", field.get(0), "FieldName", field.get(1), "Kind", "UNIT"));
        }
        template.resourceCountIs("AWS::AppSync::Resolver", 5);
    }

    @Test
    void schemasKeepTheOriginalOperationsAndAddEmailEnabled() {
        String schemas = String.valueOf(template.findResources("AWS::AppSync::GraphQLSchema"));
        assertThat(schemas)
                .contains("publish(vin: String!, alarmType: AlarmType!, message: String!, idempotencyKey: String): Response!")
                .contains("enum AlarmType {\n  EV_BATTERY_HEALTH_ALARM\n  VEHICLE_ALARM\n}")
                .contains("getUserSubscriptions(email: String!): UserPreference")
                .contains("updateUserSubscriptions(email: String!, alarms: [AlarmInput!]!): Boolean")
                .contains("emailEnabled: Boolean!");
    }

    @Test
    void publishesBothEndpointsUnderTheOriginalSsmNames() {
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/alerts/publish-api/endpoint",
                "Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PublishApi.*"), "GraphQLUrl"))));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/alerts/frontend-api/endpoint",
                "Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FrontendApi.*"), "GraphQLUrl"))));
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/solution/cms/alerts"));
    }

    @Test
    void functionsFollowTheOriginalNames() {
        for (String name : List.of("cms-alerts-publish", "cms-alerts-create-alerts", "cms-alerts-send-notifications",
                "cms-alerts-user-subscriptions", "cms-alerts-authorizer")) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of("FunctionName", name,
                    "Runtime", "java21", "TracingConfig", Map.of("Mode", "Active")));
        }
    }

    @Test
    void onlyTheServiceScopeMayPublishByDefault() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "cms-alerts-publish",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "PUBLISH_SCOPES", "cms-service-resource-server/cms-service"))))));
    }

    @Test
    void matchesTheSnapshot() {
        Snapshots.assertMatches("Alerts", template.toJSON());
    }

    /** How CDK names an alias in an event source mapping: the function name from the alias ARN, then {@code :live}. */
    private static Map<String, Object> liveAliasOf(String aliasIdPattern) {
        return Map.of("Fn::Join", List.of("", List.of(
                Map.of("Fn::Select", List.of(6, Map.of("Fn::Split", List.of(":",
                        Map.of("Ref", Match.stringLikeRegexp(aliasIdPattern)))))),
                ":live")));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsWithActionPrefix(String prefix) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties"))
                    .get("PolicyDocument");
            for (Map<String, Object> statement : (List<Map<String, Object>>) document.get("Statement")) {
                if (String.valueOf(statement.get("Action")).contains(prefix)) {
                    found.add(statement);
                }
            }
        }
        return found;
    }
}
