package io.cms.constructs.appsync;

import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.constructs.nag.Nag;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.appsync.AuthorizationConfig;
import software.amazon.awscdk.services.appsync.BaseResolverProps;
import software.amazon.awscdk.services.appsync.CfnGraphQLApi;
import software.amazon.awscdk.services.appsync.Definition;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.appsync.LambdaDataSource;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * An AppSync GraphQL API as every CMS module builds one: X-Ray on, request logs at field level
 * {@code ERROR} with verbose content excluded, written by its own CloudWatch role to a retained log
 * group {@code /aws/appsync/apis/{apiId}} with the default retention.
 *
 * <p>The resources are created directly in the caller's scope under the caller's ids ({@code id},
 * {@code id + "LogsRole"}, {@code id + "Logs"}), so their logical IDs are those the modules always had.
 */
public final class LoggedGraphqlApi {

    private LoggedGraphqlApi() {
    }

    /**
     * Creates the API {@code id} named {@code name} (a full resource name), its logs role and its log
     * group in {@code scope}.
     */
    public static GraphqlApi create(Construct scope, String id, String name, Definition definition,
                                    AuthorizationConfig authorization) {
        Role logsRole = Role.Builder.create(scope, id + "LogsRole")
                .assumedBy(new ServicePrincipal("appsync.amazonaws.com"))
                .description("Lets AppSync write the logs of " + name)
                .build();
        GraphqlApi api = GraphqlApi.Builder.create(scope, id)
                .name(name)
                .definition(definition)
                .authorizationConfig(authorization)
                .xrayEnabled(true)
                .build();
        // Set on the L1 resource: the L2 logConfig adds a Node.js log-retention custom resource (outside
        // the VPC); the log group below gives the retention instead.
        ((CfnGraphQLApi) api.getNode().getDefaultChild()).setLogConfig(CfnGraphQLApi.LogConfigProperty.builder()
                // ERROR, not ALL: ALL would log arguments and results, i.e. VINs, vehicle data, email
                // addresses and messages.
                .fieldLogLevel("ERROR")
                // Verbose content holds the request headers, Authorization included: never log tokens.
                .excludeVerboseContent(true)
                .cloudWatchLogsRoleArn(logsRole.getRoleArn())
                .build());
        Nag.suppress(api, "AwsSolutions-ASC3",
                "Request-level logging is on (CloudWatch role, field errors) but verbose content is excluded: it"
                        + " contains the request headers, whose Authorization holds the caller's token");
        // AppSync writes to /aws/appsync/apis/{apiId}; creating it here gives it a retention.
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs")
                .logGroupName("/aws/appsync/apis/" + api.getApiId())
                .retention(JavaFunctionProps.DEFAULT_LOG_RETENTION)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        logsRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn()))
                .build());
        Nag.suppress(logsRole, "AwsSolutions-IAM5",
                "AppSync names its log streams inside the API's own log group at run time",
                "/^Resource::<" + id + "Logs.*\\.Arn>:\\*$/");
        return api;
    }

    /**
     * Resolves {@code fields} (type name to field names) of {@code api} with {@code function}'s
     * {@code live} alias through one Lambda data source {@code sourceId}; each resolver's id is
     * type name + field name.
     */
    public static LambdaDataSource lambdaResolvers(GraphqlApi api, String sourceId, JavaFunction function,
                                                   Map<String, List<String>> fields) {
        LambdaDataSource source = api.addLambdaDataSource(sourceId, function.alias());
        fields.forEach((type, names) -> names.forEach(field -> source.createResolver(type + field,
                BaseResolverProps.builder().typeName(type).fieldName(field).build())));
        Nag.suppress(source, "AwsSolutions-IAM5",
                "CDK's Lambda data source grant adds the alias ARN with ':*'; AppSync invokes only the alias itself",
                "/^Resource::<" + function.getNode().getId() + "Alias.*>:\\*$/");
        return source;
    }
}
