package io.cms.modules.authsetup;

import io.cms.constructs.lambda.JavaFunction;
import io.cms.constructs.lambda.JavaFunctionProps;
import io.cms.lambda.common.AuthSetupScopes;
import java.util.List;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.CognitoDomainOptions;
import software.amazon.awscdk.services.cognito.DeviceTracking;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.KeepOriginalAttrs;
import software.amazon.awscdk.services.cognito.LambdaVersion;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.OAuthFlows;
import software.amazon.awscdk.services.cognito.OAuthScope;
import software.amazon.awscdk.services.cognito.OAuthSettings;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.ResourceServerScope;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttribute;
import software.amazon.awscdk.services.cognito.StandardAttributes;
import software.amazon.awscdk.services.cognito.StandardThreatProtectionMode;
import software.amazon.awscdk.services.cognito.UserInvitationConfig;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientIdentityProvider;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolDomain;
import software.amazon.awscdk.services.cognito.UserPoolDomainOptions;
import software.amazon.awscdk.services.cognito.UserPoolOperation;
import software.amazon.awscdk.services.cognito.UserPoolResourceServer;
import software.amazon.awscdk.services.cognito.UserPoolResourceServerOptions;
import software.constructs.Construct;

/**
 * The optional Cognito identity provider: a user pool for people (TOTP MFA required, threat
 * protection enforced), a users client for the authorization-code grant, a service client for the
 * client-credentials grant, one resource server and scope for each, and the hosted domain
 * {@code {idp}-{accountId}} that serves the token endpoint.
 *
 * <p>The user pool is RETAINED when the stack is deleted (the original destroyed it): it holds
 * people's accounts and MFA enrolments, which cannot be recreated. Deletion protection is on, so
 * deleting it takes a deliberate console or API call.
 */
public class CognitoIdentityProvider extends Construct {

    /** The trigger that puts the verified email into access tokens ({@code io.cms.auth.AccessTokenEmailClaim}). */
    public static final String PRE_TOKEN_GENERATION_HANDLER = "io.cms.auth.handler.PreTokenGenerationHandler";

    private static final Duration REFRESH_TOKEN_VALIDITY = Duration.days(1);
    /**
     * Access and ID tokens are checked offline (signature and claims), so a disabled or signed-out
     * user keeps API access until the token expires: keep that window short (Cognito's default is 60 min).
     */
    private static final Duration ACCESS_AND_ID_TOKEN_VALIDITY = Duration.minutes(15);

    private final String identityProviderId;
    private final UserPool userPool;
    private final UserPoolResourceServer userResourceServer;
    private final UserPoolResourceServer serviceResourceServer;
    private final OAuthScope userScope;
    private final OAuthScope serviceScope;
    private final UserPoolClient usersClient;
    private final UserPoolClient serviceClient;
    private final UserPoolDomain domain;

    /**
     * @param identityProviderId the IdP id; names are {@code {idp}-user-pool}, {@code {idp}-users-client}, ...
     * @param callbackUrls where the users client may redirect after sign-in
     */
    public CognitoIdentityProvider(Construct scope, String id, String identityProviderId, List<String> callbackUrls) {
        super(scope, id);
        this.identityProviderId = identityProviderId;
        String idp = identityProviderId;

        this.userPool = UserPool.Builder.create(this, "UserPool")
                .userPoolName(idp + "-user-pool")
                // Administrators invite users; nobody can sign themselves up to a vehicle platform.
                .selfSignUpEnabled(false)
                .signInAliases(SignInAliases.builder().username(true).email(true).build())
                .signInCaseSensitive(false)
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                // A changed email takes effect only once verified: the access token's email claim
                // (which owns alert subscriptions) is always an address the user proved they own.
                .keepOriginal(KeepOriginalAttrs.builder().email(true).build())
                .standardAttributes(StandardAttributes.builder()
                        .email(StandardAttribute.builder().required(true).mutable(true).build())
                        .phoneNumber(StandardAttribute.builder().required(false).mutable(false).build())
                        .fullname(StandardAttribute.builder().required(false).mutable(false).build())
                        .preferredUsername(StandardAttribute.builder().required(false).mutable(true).build())
                        .timezone(StandardAttribute.builder().required(false).mutable(true).build())
                        .build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                .mfa(Mfa.REQUIRED)
                .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(8)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(1))
                        .build())
                .deviceTracking(DeviceTracking.builder()
                        .challengeRequiredOnNewDevice(true)
                        .deviceOnlyRememberedOnUserPrompt(true)
                        .build())
                .userInvitation(UserInvitationConfig.builder()
                        .emailSubject("Invitation to join " + idp + "!")
                        .emailBody("You have been invited to " + idp + ". Your username is {username} and your"
                                + " temporary password is {####}. You will set a new password and an"
                                + " authenticator app (TOTP) at first sign-in.")
                        .build())
                // Threat protection (the former "advanced security", ENFORCED) needs the Plus plan.
                .featurePlan(FeaturePlan.PLUS)
                .standardThreatProtectionMode(StandardThreatProtectionMode.FULL_FUNCTION)
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        // Cognito access tokens carry no email; the Alerts frontend API needs the user's (verified) one.
        JavaFunction preTokenGeneration = new JavaFunction(this, "PreTokenGeneration", JavaFunctionProps.builder()
                .name("pre-token-generation")
                .lambdaModule("auth")
                .handler(PRE_TOKEN_GENERATION_HANDLER)
                .description("Puts the user's verified email into the access tokens of identity provider " + idp)
                // Cognito waits at most 5 s for a trigger.
                .timeout(Duration.seconds(5))
                .build());
        userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, preTokenGeneration.alias(), LambdaVersion.V2_0);

        this.userResourceServer = resourceServer("UserResourceServer", AuthSetupScopes.userResourceServer(idp),
                AuthSetupScopes.userScopeName(idp),
                "Access to " + idp + " APIs on behalf of a signed-in user");
        this.userScope = OAuthScope.resourceServer(userResourceServer, scopeOf(AuthSetupScopes.userScopeName(idp), "user"));
        this.serviceResourceServer = resourceServer("ServiceResourceServer", AuthSetupScopes.serviceResourceServer(idp),
                AuthSetupScopes.serviceScopeName(idp), "Access to " + idp + " APIs by a trusted backend service");
        this.serviceScope = OAuthScope.resourceServer(serviceResourceServer, scopeOf(AuthSetupScopes.serviceScopeName(idp), "service"));

        this.usersClient = userPool.addClient("UsersClient", UserPoolClientOptions.builder()
                .userPoolClientName(AuthSetupScopes.usersClientName(idp))
                .generateSecret(true)
                .authFlows(AuthFlow.builder().userSrp(true).build())
                .oAuth(OAuthSettings.builder()
                        .flows(OAuthFlows.builder().authorizationCodeGrant(true).build())
                        .scopes(List.of(OAuthScope.EMAIL, OAuthScope.OPENID, userScope))
                        .callbackUrls(callbackUrls)
                        .build())
                .supportedIdentityProviders(List.of(UserPoolClientIdentityProvider.COGNITO))
                .accessTokenValidity(ACCESS_AND_ID_TOKEN_VALIDITY)
                .idTokenValidity(ACCESS_AND_ID_TOKEN_VALIDITY)
                .refreshTokenValidity(REFRESH_TOKEN_VALIDITY)
                .preventUserExistenceErrors(true)
                .enableTokenRevocation(true)
                .build());

        this.serviceClient = userPool.addClient("ServiceClient", UserPoolClientOptions.builder()
                .userPoolClientName(AuthSetupScopes.serviceClientName(idp))
                .generateSecret(true)
                // A machine client signs in only with its secret at the token endpoint: no user flows.
                .authFlows(AuthFlow.builder().userSrp(false).userPassword(false).custom(false).adminUserPassword(false).build())
                .oAuth(OAuthSettings.builder()
                        .flows(OAuthFlows.builder().clientCredentials(true).build())
                        .scopes(List.of(serviceScope))
                        .build())
                .supportedIdentityProviders(List.of(UserPoolClientIdentityProvider.COGNITO))
                .accessTokenValidity(ACCESS_AND_ID_TOKEN_VALIDITY)
                .idTokenValidity(ACCESS_AND_ID_TOKEN_VALIDITY)
                .refreshTokenValidity(REFRESH_TOKEN_VALIDITY)
                .preventUserExistenceErrors(true)
                .enableTokenRevocation(true)
                .build());

        this.domain = userPool.addDomain("Domain", UserPoolDomainOptions.builder()
                .cognitoDomain(CognitoDomainOptions.builder().domainPrefix(idp + "-" + Aws.ACCOUNT_ID).build())
                .build());
    }

    private UserPoolResourceServer resourceServer(String id, String identifier, String scopeName, String description) {
        return userPool.addResourceServer(id, UserPoolResourceServerOptions.builder()
                .identifier(identifier)
                .userPoolResourceServerName(identifier)
                .scopes(List.of(scopeOf(scopeName, description)))
                .build());
    }

    private static ResourceServerScope scopeOf(String name, String description) {
        return ResourceServerScope.Builder.create().scopeName(name).scopeDescription(description).build();
    }

    /** The issuer without scheme, as the Auth module expects: {@code cognito-idp.{region}.amazonaws.com/{poolId}}. */
    public String issuerDomain() {
        return userPool.getUserPoolProviderName();
    }

    /** {@code https://{idp}-{account}.auth.{region}.amazoncognito.com/oauth2/token}. */
    public String tokenEndpoint() {
        return domain.baseUrl() + "/oauth2/token";
    }

    /**
     * The scopes the APIs accept (the IdP config's {@code scopes}): only the resource-server scopes,
     * user then service. {@code email} and {@code openid} are left out, else any users-client token
     * (one asked for with {@code openid} alone) would pass without the user scope.
     */
    public List<String> acceptedScopes() {
        return List.of(userScope.getScopeName(), serviceScope.getScopeName());
    }

    /** The users client's secret, read at deploy time by a CDK-managed custom resource. */
    public SecretValue usersClientSecret() {
        return usersClient.getUserPoolClientSecret();
    }

    /** The service client's secret, read at deploy time by a CDK-managed custom resource. */
    public SecretValue serviceClientSecret() {
        return serviceClient.getUserPoolClientSecret();
    }

    public String identityProviderId() {
        return identityProviderId;
    }

    public UserPool userPool() {
        return userPool;
    }

    public UserPoolResourceServer userResourceServer() {
        return userResourceServer;
    }

    public UserPoolResourceServer serviceResourceServer() {
        return serviceResourceServer;
    }

    public UserPoolClient usersClient() {
        return usersClient;
    }

    public UserPoolClient serviceClient() {
        return serviceClient;
    }

    public UserPoolDomain domain() {
        return domain;
    }
}
