package io.cms.constructs.auth;

import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.appsync.AuthorizationConfig;
import software.amazon.awscdk.services.appsync.AuthorizationMode;
import software.amazon.awscdk.services.appsync.AuthorizationType;
import software.amazon.awscdk.services.appsync.GraphqlApi;
import software.amazon.awscdk.services.appsync.LambdaAuthorizerConfig;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.constructs.Construct;

/**
 * The AppSync Lambda authorizer the API and Alerts GraphQL APIs share: a {@link JavaFunction}
 * running {@code io.cms.auth.handler.AppSyncAuthorizerHandler} from the {@code lambdas/auth} jar.
 * It embeds the token validator rather than invoking the token-validation Lambda (one network hop
 * and one cold start less per uncached request).
 *
 * <p>Least privilege: {@code secretsmanager:GetSecretValue} on the IdP-config secret only. Its ARN is
 * resolved from {@code /solution/auth/{idp}/idp-config/secret/arn} (written by Auth Setup) at deploy
 * time, both for that grant and for the function's {@code IDP_CONFIG_SECRET_ARN}, so the function
 * needs no SSM access and no SSM client on a cold start. The grant is bound to the resolved ARN
 * anyway, so reading the parameter at run time would gain nothing: a replaced secret needs a
 * redeployment either way.
 *
 * <p>A module using it must build the {@code lambdas/auth} jar first: declare a dependency on
 * {@code io.cms:lambdas-auth} in the module's pom, as modules do for their own Lambdas.
 */
public class AppSyncAuthorizer extends Construct {

    /**
     * Only {@code Bearer <header>.<payload>.<signature>} reaches the function; anything else is
     * denied by AppSync itself without an invocation.
     */
    public static final String IDENTITY_VALIDATION_EXPRESSION = "^Bearer [\\w-]+\\.[\\w-]+\\.[\\w-]+$";

    private final JavaFunction function;
    private final Duration resultsCacheTtl;

    public AppSyncAuthorizer(Construct scope, String id, AppSyncAuthorizerProps props) {
        super(scope, id);
        String idp = props.identityProviderId();
        String parameterName = idpConfigSecretArnParameter(idp);
        this.resultsCacheTtl = props.resultsCacheTtl();

        this.function = new JavaFunction(this, "Function", JavaFunctionProps.builder()
                .name(props.name())
                .lambdaModule(AppSyncAuthorizerProps.LAMBDA_MODULE)
                .handler(AppSyncAuthorizerProps.HANDLER)
                .description("AppSync Lambda authorizer: validates the Bearer access token of identity provider " + idp)
                // AppSync gives a Lambda authorizer at most 10 seconds.
                .timeout(Duration.seconds(10))
                .environment(Map.of(
                        "IDENTITY_PROVIDER_ID", idp,
                        "IDP_CONFIG_SECRET_ARN", CmsModuleStack.resolveSsm(parameterName),
                        "AUTHORIZER_TTL_SECONDS", String.valueOf(resultsCacheTtl.toSeconds().intValue())))
                .vpc(props.vpc())
                .build());

        function.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(CmsModuleStack.resolveSsm(parameterName)))
                .build());
    }

    /** Convenience: the identity provider of the enclosing module stack, every other default. */
    public AppSyncAuthorizer(Construct scope, String id) {
        this(scope, id, AppSyncAuthorizerProps.of(((CmsModuleStack) Stack.of(scope)).cmsContext().identityProviderId()));
    }

    /** {@code /solution/auth/{idp}/idp-config/secret/arn}, written by Auth Setup. */
    public static String idpConfigSecretArnParameter(String identityProviderId) {
        return "/solution/auth/" + identityProviderId + "/idp-config/secret/arn";
    }

    /**
     * The GraphQL API authorization: Lambda auth through the function's {@code live} alias, with the
     * documented result TTL and the Bearer identity expression. CDK grants AppSync the invoke
     * permission when the API is created with it.
     */
    public AuthorizationConfig authorizationConfig() {
        return AuthorizationConfig.builder()
                .defaultAuthorization(AuthorizationMode.builder()
                        .authorizationType(AuthorizationType.LAMBDA)
                        .lambdaAuthorizerConfig(LambdaAuthorizerConfig.builder()
                                .handler(function.alias())
                                .resultsCacheTtl(resultsCacheTtl)
                                .validationRegex(IDENTITY_VALIDATION_EXPRESSION)
                                .build())
                        .build())
                .build();
    }

    /**
     * Binds the invoke permission CDK grants AppSync when {@code api} is created with
     * {@link #authorizationConfig()} (which has no source) to that API alone, with a local GetAtt as
     * Control Tower CT.LAMBDA.PR.2 asks.
     */
    public void restrictInvokeTo(GraphqlApi api) {
        CfnPermission invoke = (CfnPermission) function.alias().getNode().findChild(api.getNode().getId() + "-appsync");
        invoke.setSourceArn(api.getArn());
    }

    /** The authorizer function (its role, log group and {@code live} alias are reachable from it). */
    public JavaFunction function() {
        return function;
    }

    /** The AppSync result cache TTL. */
    public Duration resultsCacheTtl() {
        return resultsCacheTtl;
    }
}
