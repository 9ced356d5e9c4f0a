package io.cms.modules.auth;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The Auth module: {@code {app}-auth-token-validation} and
 * {@code {app}-auth-authorization-code-exchange}, invoked directly (Lambda Invoke) by other
 * modules and clients. Each reads exactly one Auth Setup secret ({@code secretsmanager:GetSecretValue}
 * on it alone). The secret's ARN is resolved from the Auth Setup parameter naming it at deploy time,
 * for the grant and for the function's environment, so the functions need no SSM access and build no
 * SSM client (the grant is bound to that ARN anyway; a replaced secret needs a redeployment either
 * way). Their ARNs (the {@code live} aliases) are published under {@code /solution/{app}/auth/}.
 * Validation rules live in {@code lambdas/auth}.
 */
public class AuthStack extends CmsModuleStack {

    /** Handler of the token-validation function. */
    public static final String TOKEN_VALIDATION_HANDLER = "io.cms.auth.handler.TokenValidationHandler";
    /** Handler of the code-exchange function. */
    public static final String CODE_EXCHANGE_HANDLER = "io.cms.auth.handler.AuthorizationCodeExchangeHandler";

    private final JavaFunction tokenValidation;
    private final JavaFunction codeExchange;
    private final SsmOutputs outputs;

    public AuthStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.AUTH, context);
        String idp = context.identityProviderId();

        this.tokenValidation = function("TokenValidation", "token-validation", TOKEN_VALIDATION_HANDLER,
                "Validates an access token of identity provider " + idp + ": {Token} -> {validated, status_code, message}",
                idp, "IDP_CONFIG_SECRET_ARN", "/solution/auth/" + idp + "/idp-config/secret/arn");
        this.codeExchange = function("AuthorizationCodeExchange", "authorization-code-exchange", CODE_EXCHANGE_HANDLER,
                "Exchanges an authorization code (optionally with PKCE) for the user's tokens at identity provider " + idp,
                idp, "CODE_FLOW_CONFIG_SECRET_ARN", "/solution/auth/" + idp + "/authorization-code-flow/config/secret/arn");

        this.outputs = new SsmOutputs(this, "Outputs", naming());
        outputs.publish("token-validation-lambda/arn", tokenValidation.alias().getFunctionArn(),
                "ARN (live alias) of the token-validation Lambda");
        outputs.publish("authorization-code-flow/authorization-code-exchange-lambda/arn",
                codeExchange.alias().getFunctionArn(), "ARN (live alias) of the authorization-code-exchange Lambda");
    }

    private JavaFunction function(String id, String name, String handler, String description, String idp,
                                  String secretArnVariable, String secretArnParameter) {
        JavaFunction fn = new JavaFunction(this, id, JavaFunctionProps.builder()
                .name(name)
                .lambdaModule("auth")
                .handler(handler)
                .description(description)
                .environment(Map.of(
                        "IDENTITY_PROVIDER_ID", idp,
                        secretArnVariable, resolveSsm(secretArnParameter)))
                .build());
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("secretsmanager:GetSecretValue"))
                .resources(List.of(resolveSsm(secretArnParameter)))
                .build());
        return fn;
    }

    public JavaFunction tokenValidation() {
        return tokenValidation;
    }

    public JavaFunction codeExchange() {
        return codeExchange;
    }

    public SsmOutputs outputs() {
        return outputs;
    }
}
