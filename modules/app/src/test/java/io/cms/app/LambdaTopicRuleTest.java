package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.auth.AppSyncAuthorizerProps;
import io.cms.constructs.iot.LambdaTopicRule;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/**
 * The shared {@link LambdaTopicRule}'s refusals (its rules as built are covered by the API, Connect &
 * Store and Provisioning stack tests and snapshots): a rule that could not park its failures, or
 * that misses a setting, fails synth with a message naming the rule, and creates nothing.
 */
class LambdaTopicRuleTest {

    private static CmsModuleStack stack;
    private static JavaFunction withoutDeadLetterQueue;
    private static JavaFunction withDeadLetterQueue;

    @BeforeAll
    static void buildFunctions() {
        App app = new App(AppProps.builder()
                .context(Map.of("appUniqueId", "cms", "identityProviderId", "cms", "vpcName", "cms-vpc"))
                .build());
        stack = new CmsModuleStack(app, CmsModule.API, CmsContext.from(app.getNode()));
        withoutDeadLetterQueue = function("NoDlq", false);
        withDeadLetterQueue = function("WithDlq", true);
    }

    private static JavaFunction function(String id, boolean deadLetterQueue) {
        return new JavaFunction(stack, id, JavaFunctionProps.builder()
                .name(stack.naming().resourceName(id.toLowerCase()))
                .lambdaModule(AppSyncAuthorizerProps.LAMBDA_MODULE)
                .handler(AppSyncAuthorizerProps.HANDLER)
                .description("target of a topic rule in a test")
                .deadLetterQueue(deadLetterQueue)
                .build());
    }

    private static LambdaTopicRule complete(String id, JavaFunction target) {
        return LambdaTopicRule.builder(stack, id)
                .ruleName("cms_test_" + id)
                .sql("SELECT * FROM 'cms/test/#'")
                .target(target)
                .errorRoleDescription("Lets the test rule park messages");
    }

    @Test
    void refusesATargetWithoutDeadLetterQueue() {
        assertThatThrownBy(() -> complete("NoDlqRule", withoutDeadLetterQueue).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic rule NoDlqRule")
                .hasMessageContaining("NoDlq has no dead-letter queue");
        assertThat(stack.getNode().tryFindChild("NoDlqRule")).isNull();
        assertThat(stack.getNode().tryFindChild("NoDlqRuleErrorRole")).isNull();
    }

    @Test
    void namesAMissingSql() {
        assertThatThrownBy(() -> complete("NoSqlRule", withDeadLetterQueue).sql(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic rule NoSqlRule: sql is required");
        assertThat(stack.getNode().tryFindChild("NoSqlRule")).isNull();
    }

    @Test
    void namesAMissingTarget() {
        assertThatThrownBy(() -> complete("NoTargetRule", withDeadLetterQueue).target(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic rule NoTargetRule: target is required");
    }

    @Test
    void createsTheRuleItsErrorRoleAndTheInvokePermissionUnderTheCallersIds() {
        complete("GoodRule", withDeadLetterQueue).build();
        assertThat(stack.getNode().tryFindChild("GoodRule")).isNotNull();
        assertThat(stack.getNode().tryFindChild("GoodRuleErrorRole")).isNotNull();
        assertThat(withDeadLetterQueue.alias().getNode().tryFindChild("GoodRuleInvoke")).isNotNull();
    }
}
