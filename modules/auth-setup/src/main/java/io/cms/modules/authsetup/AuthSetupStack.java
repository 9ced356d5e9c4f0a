package io.cms.modules.authsetup;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.SsmOutputs;
import io.cms.constructs.secure.KmsKeys;
import io.cms.constructs.secure.ProviderLogs;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The Auth Setup module (stack {@code {idp}-auth-setup}, deployed before Config and not registered
 * with it): an optional Cognito identity provider and the three configuration secrets the Auth
 * module reads, with their ARNs published at {@code /solution/auth/{idp}/.../secret/arn}.
 *
 * <p>Three modes, chosen at synth (see {@link AuthSetupSettings}):
 * <ul>
 *   <li>{@code createCognito=true} (default): Cognito is created and the secrets hold its values;</li>
 *   <li>{@code createCognito=false}: each secret is created with every key present and empty values,
 *       for the operator to fill in with another IdP's values;</li>
 *   <li>{@code createCognito=false} plus an existing secret ARN: that secret is reused (no new
 *       secret) and its ARN is published.</li>
 * </ul>
 */
public class AuthSetupStack extends CmsModuleStack {

    /** The construct id CDK gives the one provider function shared by every AwsCustomResource in a stack. */
    static final String AWS_CUSTOM_RESOURCE_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287";

    private final AuthSetupSettings settings;
    private final CognitoIdentityProvider cognito;
    private final Key secretsKey;
    private final Map<ConfigSecret, Secret> secrets = new EnumMap<>(ConfigSecret.class);
    private final Map<ConfigSecret, String> secretArns = new EnumMap<>(ConfigSecret.class);
    private final SsmOutputs outputs;
    private final LogGroup clientSecretReaderLogs;

    public AuthSetupStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.AUTH_SETUP, context);
        this.settings = AuthSetupSettings.from(context);
        String idp = settings.identityProviderId();

        this.cognito = settings.createCognito()
                ? new CognitoIdentityProvider(this, "Cognito", idp, settings.callbackUrls())
                : null;

        this.secretsKey = settings.createsAnySecret() ? secretsKey(idp) : null;
        Map<ConfigSecret, String> contents = cognito != null ? cognitoContents(cognito) : emptyContents();
        for (ConfigSecret secret : ConfigSecret.values()) {
            String existing = settings.existingArn(secret).orElse(null);
            if (existing != null) {
                secretArns.put(secret, existing);
                continue;
            }
            Secret created = Secret.Builder.create(this, secret.constructId() + "Secret")
                    .secretName(secret.secretName(idp))
                    .description(description(secret, idp))
                    .encryptionKey(secretsKey)
                    .secretStringValue(SecretValue.unsafePlainText(contents.get(secret)))
                    // Configuration only: recreated from the IdP by redeploying; Secrets Manager
                    // still keeps a deleted secret recoverable for 30 days.
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            secrets.put(secret, created);
            secretArns.put(secret, created.getSecretArn());
        }

        // the client secrets are read by the provider function CDK adds for its AwsCustomResource
        this.clientSecretReaderLogs = cognito != null
                ? ProviderLogs.attach(this, "ClientSecretReaderLogs", AWS_CUSTOM_RESOURCE_PROVIDER_ID) : null;

        this.outputs = new SsmOutputs(this, "Outputs", naming());
        for (ConfigSecret secret : ConfigSecret.values()) {
            outputs.publishAt(secret.arnParameterName(idp), secretArns.get(secret),
                    "ARN of the secret " + secret.secretName(idp));
        }

        AuthSetupNagSuppressions.apply(this);
    }

    /**
     * A customer-managed key for the secrets. Besides the grant CDK adds for the account's IAM
     * principals, any principal of this account may decrypt through Secrets Manager, as with the
     * AWS-managed key the original used: readers then need only {@code secretsmanager:GetSecretValue}
     * on the secret, so access is controlled in one place.
     */
    private Key secretsKey(String idp) {
        Key key = KmsKeys.create(this, "SecretsKey", "Encrypts the identity provider configuration secrets of " + idp);
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowDecryptThroughSecretsManagerInThisAccount")
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("kms:Decrypt", "kms:DescribeKey"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of(
                        "kms:CallerAccount", Aws.ACCOUNT_ID,
                        "kms:ViaService", "secretsmanager." + Aws.REGION + ".amazonaws.com")))
                .build());
        return key;
    }

    private Map<ConfigSecret, String> cognitoContents(CognitoIdentityProvider idp) {
        Map<ConfigSecret, String> contents = new EnumMap<>(ConfigSecret.class);
        Map<String, Object> idpConfig = new LinkedHashMap<>();
        idpConfig.put("iss_domain", idp.issuerDomain());
        idpConfig.put("alternate_aud_key", "client_id");
        idpConfig.put("auds", List.of(idp.usersClient().getUserPoolClientId(), idp.serviceClient().getUserPoolClientId()));
        idpConfig.put("scopes", idp.acceptedScopes());
        contents.put(ConfigSecret.IDP_CONFIG, json(ConfigSecret.IDP_CONFIG, idpConfig));

        Map<String, Object> serviceClient = new LinkedHashMap<>();
        serviceClient.put("token_endpoint", idp.tokenEndpoint());
        serviceClient.put("client_id", idp.serviceClient().getUserPoolClientId());
        serviceClient.put("client_secret", idp.serviceClientSecret().unsafeUnwrap());
        serviceClient.put("audience", "");
        contents.put(ConfigSecret.SERVICE_CLIENT_CONFIG, json(ConfigSecret.SERVICE_CLIENT_CONFIG, serviceClient));

        Map<String, Object> codeFlow = new LinkedHashMap<>();
        codeFlow.put("token_endpoint", idp.tokenEndpoint());
        codeFlow.put("client_id", idp.usersClient().getUserPoolClientId());
        codeFlow.put("client_secret", idp.usersClientSecret().unsafeUnwrap());
        contents.put(ConfigSecret.AUTHORIZATION_CODE_FLOW_CONFIG, json(ConfigSecret.AUTHORIZATION_CODE_FLOW_CONFIG, codeFlow));
        return contents;
    }

    private Map<ConfigSecret, String> emptyContents() {
        Map<ConfigSecret, String> contents = new EnumMap<>(ConfigSecret.class);
        for (ConfigSecret secret : ConfigSecret.values()) {
            contents.put(secret, json(secret, secret.emptyContent()));
        }
        return contents;
    }

    /** JSON with CloudFormation references resolved at deploy time; the keys must be exactly the secret's. */
    private String json(ConfigSecret secret, Map<String, Object> content) {
        if (!List.copyOf(content.keySet()).equals(secret.keys())) {
            throw new IllegalStateException("Secret " + secret + " must have the keys " + secret.keys()
                    + ", built " + content.keySet());
        }
        return toJsonString(content);
    }

    private String description(ConfigSecret secret, String idp) {
        String what = switch (secret) {
            case IDP_CONFIG -> "Issuer, audiences and scopes of identity provider " + idp;
            case SERVICE_CLIENT_CONFIG -> "Service client (client credentials) of identity provider " + idp;
            case AUTHORIZATION_CODE_FLOW_CONFIG -> "Users client (authorization code exchange) of identity provider " + idp;
        };
        return cognito != null ? what + " (Cognito)" : what + " (fill in the values of your identity provider)";
    }

    public AuthSetupSettings settings() {
        return settings;
    }

    /** The Cognito resources, or null when {@code createCognito=false}. */
    public CognitoIdentityProvider cognito() {
        return cognito;
    }

    /** The secrets' key, or null when every secret is an existing one. */
    public Key secretsKey() {
        return secretsKey;
    }

    /** The secrets this stack created (existing ones are not here). */
    public Map<ConfigSecret, Secret> secrets() {
        return java.util.Collections.unmodifiableMap(secrets);
    }

    /** The ARN published for each secret: created or existing. */
    public Map<ConfigSecret, String> secretArns() {
        return java.util.Collections.unmodifiableMap(secretArns);
    }

    /** The log group of CDK's client-secret reader function, or null without Cognito. */
    public LogGroup clientSecretReaderLogs() {
        return clientSecretReaderLogs;
    }

    public SsmOutputs outputs() {
        return outputs;
    }
}
