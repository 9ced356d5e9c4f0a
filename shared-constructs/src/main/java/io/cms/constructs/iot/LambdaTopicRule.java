package io.cms.constructs.iot;

import io.cms.constructs.lambda.JavaFunction;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iot.CfnTopicRule;
import software.amazon.awscdk.services.lambda.Permission;
import software.constructs.Construct;

/**
 * An IoT topic rule that hands each message to a {@link JavaFunction}'s {@code live} alias and parks
 * what it cannot hand over (throttling, permission) in that function's dead-letter queue, so no
 * message vanishes. Creates, in the caller's scope and under the caller's ids: the error action's
 * role {@code id + "ErrorRole"} (send to that queue only), the rule {@code id} and the alias'
 * invoke permission for IoT bound to the rule's ARN.
 */
public final class LambdaTopicRule {

    /** The IoT SQL version every CMS rule uses. */
    public static final String SQL_VERSION = "2016-03-23";

    private final Construct scope;
    private final String id;
    private String ruleName;
    private String sql;
    private String description;
    private JavaFunction target;
    private String errorRoleDescription;
    private String invokePermissionId;
    private String sourceAccount;

    private LambdaTopicRule(Construct scope, String id) {
        this.scope = scope;
        this.id = id;
        this.invokePermissionId = id + "Invoke";
    }

    /** Starts a rule {@code id} in {@code scope}. */
    public static LambdaTopicRule builder(Construct scope, String id) {
        return new LambdaTopicRule(scope, id);
    }

    /** The full IoT rule name (see {@code Naming.iotRuleName}). Required. */
    public LambdaTopicRule ruleName(String ruleName) {
        this.ruleName = ruleName;
        return this;
    }

    /** The rule's SQL statement. Required. */
    public LambdaTopicRule sql(String sql) {
        this.sql = sql;
        return this;
    }

    /** The rule's description; none when not set. */
    public LambdaTopicRule description(String description) {
        this.description = description;
        return this;
    }

    /** The function invoked; it must have a dead-letter queue. Required. */
    public LambdaTopicRule target(JavaFunction target) {
        this.target = target;
        return this;
    }

    /** The description of the error action's role. Required. */
    public LambdaTopicRule errorRoleDescription(String errorRoleDescription) {
        this.errorRoleDescription = errorRoleDescription;
        return this;
    }

    /** The id of the invoke permission on the target's alias; {@code id + "Invoke"} when not set. */
    public LambdaTopicRule invokePermissionId(String invokePermissionId) {
        this.invokePermissionId = invokePermissionId;
        return this;
    }

    /** Also binds the invoke permission to this account; not bound when not set. */
    public LambdaTopicRule sourceAccount(String sourceAccount) {
        this.sourceAccount = sourceAccount;
        return this;
    }

    /** Creates the role, the rule and the invoke permission. */
    public CfnTopicRule build() {
        require(ruleName, "ruleName");
        require(sql, "sql");
        require(target, "target");
        require(errorRoleDescription, "errorRoleDescription");
        if (target.deadLetterQueue() == null) {
            throw new IllegalArgumentException("topic rule " + id + ": function " + target.getNode().getId()
                    + " has no dead-letter queue for the rule's error action");
        }
        Role errorRole = Role.Builder.create(scope, id + "ErrorRole")
                .assumedBy(new ServicePrincipal("iot.amazonaws.com"))
                .description(errorRoleDescription)
                .build();
        target.deadLetterQueue().grantSendMessages(errorRole);
        CfnTopicRule rule = CfnTopicRule.Builder.create(scope, id)
                .ruleName(ruleName)
                .topicRulePayload(CfnTopicRule.TopicRulePayloadProperty.builder()
                        .description(description)
                        .sql(sql)
                        .awsIotSqlVersion(SQL_VERSION)
                        .ruleDisabled(false)
                        .actions(List.of(CfnTopicRule.ActionProperty.builder()
                                .lambda(CfnTopicRule.LambdaActionProperty.builder()
                                        .functionArn(target.alias().getFunctionArn()).build())
                                .build()))
                        .errorAction(CfnTopicRule.ActionProperty.builder()
                                .sqs(CfnTopicRule.SqsActionProperty.builder()
                                        .queueUrl(target.deadLetterQueue().getQueueUrl())
                                        .roleArn(errorRole.getRoleArn())
                                        .build())
                                .build())
                        .build())
                .build();
        target.alias().addPermission(invokePermissionId, Permission.builder()
                .principal(new ServicePrincipal("iot.amazonaws.com"))
                .sourceArn(rule.getAttrArn())
                .sourceAccount(sourceAccount)
                .build());
        return rule;
    }

    private void require(Object value, String name) {
        Objects.requireNonNull(value, () -> "topic rule " + id + ": " + name + " is required");
    }
}
