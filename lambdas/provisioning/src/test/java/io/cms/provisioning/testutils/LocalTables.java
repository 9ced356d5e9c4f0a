package io.cms.provisioning.testutils;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.cms.provisioning.ProvisioningStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local in-process with the two Provisioning tables, created the way the CDK module declares them.
 * A test class shares one for all its tests as a JUnit 5 extension, which shuts it down after the last:
 * {@code @RegisterExtension static final LocalTables TABLES = new LocalTables();} (each test takes
 * fresh tables with {@link #newStore()}). Elsewhere it is closed by its owner.
 */
public final class LocalTables implements AutoCloseable, AfterAllCallback {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient dynamo;

    public LocalTables() {
        local = DynamoDBEmbedded.create();
        dynamo = local.dynamoDbClient();
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /** A store on a fresh pair of tables. */
    public ProvisioningStore newStore() {
        int n = SEQUENCE.incrementAndGet();
        String authorized = "AuthorizedVehicles" + n;
        String provisioned = "ProvisionedVehicles" + n;
        createTables(dynamo, authorized, provisioned);
        return new ProvisioningStore(dynamo, authorized, provisioned, Clock.systemUTC());
    }

    /** Creates {@code AuthorizedVehicles} (PK vin) and {@code ProvisionedVehicles} (PK vin, SK certificate_id). */
    public static void createTables(DynamoDbClient dynamo, String authorized, String provisioned) {
        dynamo.createTable(b -> b.tableName(authorized)
                .attributeDefinitions(attr("vin"))
                .keySchema(key("vin", KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamo.createTable(b -> b.tableName(provisioned)
                .attributeDefinitions(attr("vin"), attr("certificate_id"))
                .keySchema(key("vin", KeyType.HASH), key("certificate_id", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

    /** How many items a table holds. */
    public int count(String table) {
        return dynamo.scan(b -> b.tableName(table).select("COUNT")).count();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
