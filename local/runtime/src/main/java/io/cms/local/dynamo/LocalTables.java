package io.cms.local.dynamo;

import static io.cms.local.dynamo.LocalDynamo.attribute;
import static io.cms.local.dynamo.LocalDynamo.key;

import io.cms.alerts.NotificationStore;
import io.cms.alerts.SubscriptionStore;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The tables of every module CMS Local runs, with the keys the module stacks give them, named
 * {@code {app}-{Table}}.
 *
 * @param authorizedVehicles Provisioning: PK {@code vin}
 * @param provisionedVehicles Provisioning: PK {@code vin}, SK {@code certificate_id}
 * @param vehicleState API: latest state per vehicle, PK {@code vin}
 * @param notifications Alerts: PK {@code topic}, SK {@code timestamp}, GSI on {@code vin}
 * @param subscriptions Alerts: PK {@code email}, SK {@code topic_key}
 */
public record LocalTables(String authorizedVehicles, String provisionedVehicles, String vehicleState,
                          String notifications, String subscriptions) {

    /** The table names of an app. */
    public static LocalTables named(String appId) {
        return new LocalTables(appId + "-AuthorizedVehicles", appId + "-ProvisionedVehicles", appId + "-VehicleState",
                appId + "-Notifications", appId + "-UserEmailSubscriptions");
    }

    /** Creates the tables that do not exist yet. */
    public void ensure(LocalDynamo dynamo) {
        dynamo.ensureTable(authorizedVehicles, "vin", null, null);
        dynamo.ensureTable(provisionedVehicles, "vin", "certificate_id", null);
        dynamo.ensureTable(vehicleState, "vin", null, null);
        dynamo.ensureTable(CreateTableRequest.builder().tableName(notifications)
                .attributeDefinitions(attribute(NotificationStore.TOPIC), attribute(NotificationStore.TIMESTAMP),
                        attribute(NotificationStore.VIN))
                .keySchema(key(NotificationStore.TOPIC, KeyType.HASH), key(NotificationStore.TIMESTAMP, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(NotificationStore.VIN_INDEX)
                        .keySchema(key(NotificationStore.VIN, KeyType.HASH), key(NotificationStore.TIMESTAMP, KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE))
                .billingMode(BillingMode.PAY_PER_REQUEST).build());
        dynamo.ensureTable(subscriptions, SubscriptionStore.EMAIL, SubscriptionStore.TOPIC_KEY, null);
    }
}
