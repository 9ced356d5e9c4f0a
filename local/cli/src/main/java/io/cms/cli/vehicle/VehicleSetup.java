package io.cms.cli.vehicle;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.cms.cli.local.LocalConnection;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import io.cms.provisioning.AuthorizedVehicle;
import io.cms.provisioning.VehicleRegistry;
import io.cms.simulator.model.VehicleIdentity;
import io.cms.simulator.mqtt.FleetProvisioningClient;
import io.cms.simulator.mqtt.MqttEndpoint;
import io.cms.simulator.mqtt.ProvisioningRejectedException;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The seed's vehicle set-up flow against CMS Local: authorize the VIN in the registry, provision
 * it by claim over MQTT with the claim certificate, store the vehicle's certificate, PKCS#8 key
 * and the CA under {@code <data-dir>/vehicles/<VIN>/}, and announce it on {@code vehicleactive/{vin}}
 * connected with its own certificate.
 */
public final class VehicleSetup {

    /**
     * What a set-up did.
     *
     * @param vin the vehicle
     * @param credentialsDir where its credentials are
     * @param credentials its credentials (as stored in {@code credentialsDir})
     * @param provisioned whether a new certificate was provisioned (false: stored credentials reused)
     */
    public record Result(String vin, Path credentialsDir, VehicleCredentials credentials, boolean provisioned) {

        /** The vehicle's certificate. */
        public String certificateId() {
            return credentials.certificateId();
        }
    }

    /** Provisioning did not give the vehicle a certificate (refused, or the broker dropped the claim connection). */
    public static final class SetupFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LocalConnection local;
    private final VehicleRegistry registry;
    private final Duration timeout;
    private final Clock clock;

    public VehicleSetup(LocalConnection local, Duration timeout, Clock clock) {
        this.local = local;
        // The registry's authorize/get/list work on DynamoDB only; the IoT control plane of CMS Local
        // belongs to the running process, and no operation used here touches it.
        this.registry = VehicleRegistry.withoutIot(local.registryStore());
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Sets up {@code vin}. The VIN is (re-)authorized with {@code make}, {@code model} and
     * {@code year}; each one that is null keeps the value the registry already holds for the VIN,
     * and only a VIN the registry does not know yet gets the simulator's identity for it. Stored
     * credentials are reused unless {@code reprovision}.
     */
    public Result setUp(String vin, String make, String model, String year, boolean reprovision) {
        String v = Vin.require(vin);
        Optional<AuthorizedVehicle> known = registry.get(v);
        AuthorizedVehicle authorized;
        if (known.isPresent()) {
            AuthorizedVehicle k = known.get();
            authorized = registry.authorize(v, make == null ? k.make() : make, model == null ? k.model() : model,
                    year == null ? k.year() : year);
        } else {
            VehicleIdentity identity = VehicleIdentity.forVin(v);
            authorized = registry.authorize(v, make == null ? identity.make() : make,
                    model == null ? identity.model() : model, year == null ? String.valueOf(identity.year()) : year);
        }
        MqttEndpoint endpoint = local.mqtt();
        Optional<VehicleCredentials> stored = reprovision ? Optional.empty() : local.credentials(v)
                .filter(c -> isCurrent(c, authorized));
        VehicleCredentials credentials = stored.orElseGet(() -> provision(endpoint, v));
        Path dir = local.store(credentials, endpoint.caPem());
        announce(endpoint, credentials);
        return new Result(v, dir, credentials, stored.isEmpty());
    }

    /**
     * The stored credentials of {@code vin} if they hold the certificate the registry has active for
     * it; empty if none are stored or theirs was revoked or superseded (the vehicle needs setting up).
     */
    public Optional<VehicleCredentials> current(String vin) {
        Optional<VehicleCredentials> stored = local.credentials(vin);
        if (stored.isEmpty()) {
            return stored;
        }
        Optional<AuthorizedVehicle> authorized = registry.get(vin);
        return stored.filter(c -> authorized.filter(a -> isCurrent(c, a)).isPresent());
    }

    /** Whether stored credentials hold the vehicle's active certificate (the broker refuses any other). */
    static boolean isCurrent(VehicleCredentials credentials, AuthorizedVehicle authorized) {
        return credentials.certificateId().equals(authorized.activeCertificateId());
    }

    private VehicleCredentials provision(MqttEndpoint endpoint, String vin) {
        String template = local.endpoints().claim().templateName();
        try {
            return new FleetProvisioningClient(endpoint, local.claim(), template, timeout).provision(vin);
        } catch (ProvisioningRejectedException | IllegalStateException e) {
            throw new SetupFailedException("provisioning " + vin + " failed: " + e.getMessage() + " (template '" + template
                    + "' at " + endpoint.host() + ":" + endpoint.port() + "); nothing was stored", e);
        }
    }

    /** Publishes {@code vehicleactive/{vin}} (QoS 1) as the vehicle. */
    private void announce(MqttEndpoint endpoint, VehicleCredentials credentials) {
        String vin = credentials.thingName();
        Mqtt3BlockingClient client = VehicleMqtt.connect(endpoint, credentials, timeout);
        try {
            byte[] body = Json.write(Json.object().put("vin", vin).put("timestamp", clock.millis())).getBytes(StandardCharsets.UTF_8);
            client.publishWith().topic("vehicleactive/" + vin).qos(MqttQos.AT_LEAST_ONCE).payload(body).send();
        } finally {
            VehicleMqtt.disconnectQuietly(client);
        }
    }
}
