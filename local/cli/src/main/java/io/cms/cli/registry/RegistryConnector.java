package io.cms.cli.registry;

import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.VehicleRegistry;
import io.cms.provisioning.iot.IotRegistry;
import io.cms.provisioning.iot.SdkIotRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iot.IotClient;

/** Opens the {@link VehicleRegistry} a command works on. */
@FunctionalInterface
public interface RegistryConnector {

    /**
     * Where the registry lives.
     *
     * @param authorizedTable the AuthorizedVehicles table name
     * @param provisionedTable the ProvisionedVehicles table name
     * @param region the AWS region, or null for the SDK's default chain
     * @param endpointUrl a DynamoDB endpoint override (DynamoDB Local), or null
     * @param iotEndpointUrl an IoT control-plane endpoint override, or null
     */
    record Target(String authorizedTable, String provisionedTable, String region, URI endpointUrl, URI iotEndpointUrl) {
    }

    VehicleRegistry open(Target target);

    /** The real services, through the SDK (credentials from the default chain). */
    static RegistryConnector aws() {
        return withIot(target -> {
            var iot = IotClient.builder().httpClientBuilder(http());
            if (target.region() != null) {
                iot.region(Region.of(target.region()));
            }
            if (target.iotEndpointUrl() != null) {
                iot.endpointOverride(target.iotEndpointUrl());
            }
            return new SdkIotRegistry(iot.build());
        });
    }

    /** DynamoDB through the SDK (region and endpoint from the target), IoT from {@code iot}. */
    static RegistryConnector withIot(Function<Target, IotRegistry> iot) {
        return target -> {
            var dynamo = DynamoDbClient.builder().httpClientBuilder(http());
            if (target.region() != null) {
                dynamo.region(Region.of(target.region()));
            }
            if (target.endpointUrl() != null) {
                dynamo.endpointOverride(target.endpointUrl());
            }
            ProvisioningStore store = new ProvisioningStore(dynamo.build(), target.authorizedTable(),
                    target.provisionedTable(), Clock.systemUTC());
            return new VehicleRegistry(store, iot.apply(target));
        };
    }

    private static UrlConnectionHttpClient.Builder http() {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(30));
    }
}
