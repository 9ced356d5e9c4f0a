package io.cms.provisioning.handler;

import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.EnvConfig;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.iot.SdkIotRegistry;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the domain from the function's environment, once per container:
 * {@code AUTHORIZED_VEHICLES_TABLE_NAME}, {@code PROVISIONED_VEHICLES_TABLE_NAME},
 * {@code PROVISIONING_TEMPLATE_NAME}.
 */
final class ProvisioningRuntime {

    static final String AUTHORIZED_TABLE_ENV = "AUTHORIZED_VEHICLES_TABLE_NAME";
    static final String PROVISIONED_TABLE_ENV = "PROVISIONED_VEHICLES_TABLE_NAME";
    static final String TEMPLATE_ENV = "PROVISIONING_TEMPLATE_NAME";

    private ProvisioningRuntime() {
    }

    /**
     * The domain as the Lambdas run it: a repeated registration of a VIN's ACTIVE certificate is
     * refused ({@link Provisioning.RetryAfterActivation#REFUSED}); post-provisioning runs on the
     * thing event, which IoT retries, and RegisterThing would activate the certificate again.
     */
    static Provisioning fromEnvironment(EnvConfig env) {
        ProvisioningStore store = new ProvisioningStore(AwsClients.build(DynamoDbClient.builder()),
                env.required(AUTHORIZED_TABLE_ENV), env.required(PROVISIONED_TABLE_ENV), Clock.systemUTC());
        return new Provisioning(store, new SdkIotRegistry(), env.required(TEMPLATE_ENV),
                Provisioning.RetryAfterActivation.REFUSED);
    }
}
