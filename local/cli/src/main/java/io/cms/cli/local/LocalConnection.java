package io.cms.cli.local;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.local.LocalEndpoints;
import io.cms.provisioning.ProvisioningStore;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A running CMS Local as the CLI sees it: the endpoints from {@code cms-local.json}, the vehicle
 * credentials the CLI keeps under {@code <data-dir>/vehicles/<VIN>/} and the simulator state under
 * {@code <data-dir>/simulator-state/<VIN>.json}.
 */
public final class LocalConnection {

    /** The sub-directory of the data directory holding one directory of credentials per set-up vehicle. */
    public static final String VEHICLES = "vehicles";
    /** The CA certificate stored beside each vehicle's certificate and key. */
    public static final String CA_FILE = "ca.pem";
    /** The sub-directory of the data directory holding each simulated vehicle's state, {@code <VIN>.json}. */
    public static final String SIMULATOR_STATE = "simulator-state";

    private final Path dataDir;
    private final LocalEndpoints endpoints;

    public LocalConnection(Path dataDir, LocalEndpoints endpoints) {
        this.dataDir = dataDir;
        this.endpoints = endpoints;
    }

    /**
     * Checks that CMS Local answers on its MQTT and DynamoDB ports, so that a {@code cms-local.json}
     * left behind by a killed instance gives one clear message instead of a connection error deep
     * in a command.
     *
     * @throws BadInputException naming the address nothing listens on
     */
    public LocalConnection requireReachable() {
        requireListening(endpoints.mqtt().host(), endpoints.mqtt().port(), "MQTT");
        URI dynamo = URI.create(endpoints.dynamodb().endpoint());
        requireListening(dynamo.getHost(), dynamo.getPort() < 0 ? 80 : dynamo.getPort(), "DynamoDB Local");
        return this;
    }

    private void requireListening(String host, int port, String what) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
        } catch (IOException e) {
            throw new BadInputException("CMS Local in " + dataDir + " is not reachable: nothing answers on " + host + ":" + port
                    + " (" + what + "); " + LocalEndpoints.FILE + " may be left from an instance that was killed: start CMS Local again");
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public LocalEndpoints endpoints() {
        return endpoints;
    }

    /** The broker and the CA its certificate chains to. */
    public MqttEndpoint mqtt() {
        return new MqttEndpoint(endpoints.mqtt().host(), endpoints.mqtt().port(), read(endpoints.mqtt().caFile(), "the CA certificate"));
    }

    /** The claim certificate and key that provisioning by claim connects with. */
    public VehicleCredentials claim() {
        return new VehicleCredentials("claim", "claim", read(endpoints.claim().certFile(), "the claim certificate"),
                read(endpoints.claim().keyFile(), "the claim key"));
    }

    /** The registry tables in DynamoDB Local. */
    public ProvisioningStore registryStore() {
        DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoints.dynamodb().endpoint()))
                .region(Region.of(endpoints.dynamodb().region()))
                // DynamoDB Local accepts any credentials; these never leave the machine.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("cmslocal", "cmslocal")))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(30)).build())
                .build();
        return new ProvisioningStore(dynamo, endpoints.dynamodb().authorizedTable(), endpoints.dynamodb().provisionedTable(),
                Clock.systemUTC());
    }

    /** Where the credentials of {@code vin} are kept. */
    public Path vehicleDir(String vin) {
        return dataDir.resolve(VEHICLES).resolve(vin);
    }

    /**
     * The stored credentials of {@code vin}, if it was set up. A directory missing one of the files
     * (left by an older CLI interrupted while storing them) counts as not set up: setting the
     * vehicle up again replaces it.
     */
    public Optional<VehicleCredentials> credentials(String vin) {
        Path dir = vehicleDir(vin);
        if (!VehicleCredentials.isComplete(dir)) {
            return Optional.empty();
        }
        return Optional.of(VehicleCredentials.load(dir));
    }

    /**
     * Stores a vehicle's certificate, key (PKCS#8, owner-only) and the CA certificate, all or nothing,
     * replacing the vehicle's credentials directory. Its simulator state is kept apart (see
     * {@link #simulatorState}), so replacing the credentials never touches it.
     */
    public Path store(VehicleCredentials credentials, String caPem) {
        Path dir = vehicleDir(credentials.thingName());
        credentials.save(dir, Map.of(CA_FILE, caPem));
        return dir;
    }

    /**
     * Where the simulator keeps {@code vin}'s state between runs: {@code <data-dir>/simulator-state/<VIN>.json},
     * outside the credentials directory that {@link #store} replaces as a whole.
     */
    public Path simulatorState(String vin) {
        return dataDir.resolve(SIMULATOR_STATE).resolve(vin + ".json");
    }

    /**
     * The VINs with a credentials directory, sorted, including incomplete ones ({@link #credentials}
     * is empty for those); the hidden directories of a store under way are left out.
     */
    public List<String> storedVins() {
        Path root = dataDir.resolve(VEHICLES);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> vins = new ArrayList<>();
            dirs.filter(d -> Files.isDirectory(d) && !d.getFileName().toString().startsWith("."))
                    .forEach(d -> vins.add(d.getFileName().toString()));
            vins.sort(null);
            return vins;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private String read(String file, String what) {
        Path path = dataDir.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + what + " at " + path + " named in " + LocalEndpoints.FILE
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
