package io.cms.local.dynamo;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * DynamoDB Local as a server on loopback, its tables in the data directory (one shared database
 * file), so the same SDK code as in AWS runs against it and state survives restarts.
 */
public final class LocalDynamo implements AutoCloseable {

    /** Credentials DynamoDB Local accepts; they never leave the machine. */
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("cmslocal", "cmslocal"));

    private final DynamoDBProxyServer server;
    private final int port;
    private final DynamoDbClient client;

    private LocalDynamo(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Starts the server on 127.0.0.1:{@code port} with its files in {@code dir}. */
    public static LocalDynamo start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-port", Integer.toString(port), "-dbPath", dir.toAbsolutePath().toString(), "-sharedDb", "-disableTelemetry"});
            server.start();
            return new LocalDynamo(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare DynamoDB Local in " + dir, e);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The endpoint, e.g. for {@code AWS_ENDPOINT_URL_DYNAMODB}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** A client for this server. */
    public DynamoDbClient client() {
        return client;
    }

    /**
     * Creates a table with string keys if it does not exist yet.
     *
     * @param sortKey null for a partition key only
     * @param stream null for no stream
     */
    public void ensureTable(String name, String partitionKey, String sortKey, StreamViewType stream) {
        List<AttributeDefinition> attributes = sortKey == null
                ? List.of(attribute(partitionKey))
                : List.of(attribute(partitionKey), attribute(sortKey));
        List<KeySchemaElement> keys = sortKey == null
                ? List.of(key(partitionKey, KeyType.HASH))
                : List.of(key(partitionKey, KeyType.HASH), key(sortKey, KeyType.RANGE));
        try {
            client.createTable(b -> {
                b.tableName(name).attributeDefinitions(attributes).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST);
                if (stream != null) {
                    b.streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(stream).build());
                }
            });
        } catch (ResourceInUseException alreadyThere) {
            // Created by an earlier run: its data is what a restart must keep.
        }
    }

    /** Creates a table if it does not exist yet (a table of an earlier run keeps its data). */
    public void ensureTable(CreateTableRequest request) {
        try {
            client.createTable(request);
        } catch (ResourceInUseException alreadyThere) {
            // Created by an earlier run: its data is what a restart must keep.
        }
    }

    static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Override
    public void close() {
        client.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly: " + e.getMessage(), e);
        }
    }
}
