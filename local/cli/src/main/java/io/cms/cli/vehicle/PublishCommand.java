package io.cms.cli.vehicle;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.cms.cli.ExitCodes;
import io.cms.cli.local.LocalConnection;
import io.cms.cli.local.LocalOptions;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import io.cms.simulator.mqtt.VehicleCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cms vehicle publish --vin V --file payload.json [--topic T]}: one QoS 1 message as the vehicle. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish one JSON message (QoS 1) as a set-up vehicle, with its own certificate.")
public final class PublishCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    LocalOptions local;

    @Option(names = "--vin", required = true, description = "A vehicle set up with 'cms vehicle setup'.")
    String vin;

    @Option(names = "--file", required = true, description = "The JSON payload.")
    Path file;

    @Option(names = "--topic", description = "Topic (default: cms/data/<VIN>/telemetry).")
    String topic;

    @Override
    public Integer call() {
        String v = Vin.require(vin);
        byte[] payload = payload();
        LocalConnection c = local.connect();
        VehicleCredentials credentials = c.credentials(v).orElseThrow(() -> new BadInputException(
                "vehicle " + v + " is not set up in " + c.dataDir() + ": run 'cms vehicle setup --vin " + v + "' first"));
        String t = topic == null ? "cms/data/" + v + "/telemetry" : topic;
        Mqtt3BlockingClient client = VehicleMqtt.connect(c.mqtt(), credentials, Duration.ofSeconds(10));
        try {
            client.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().printf("cms: the broker refused the message on %s (%s); a vehicle may publish only on its own topics%n",
                    t, e.getMessage());
            return ExitCodes.FAILURE;
        } finally {
            VehicleMqtt.disconnectQuietly(client);
        }
        spec.commandLine().getOut().printf("published %d bytes on %s (acknowledged)%n", payload.length, t);
        return ExitCodes.OK;
    }

    private byte[] payload() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + file);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            Json.parse(text);
        } catch (BadInputException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
