package io.cms.api.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Telemetry messages as vehicles publish them, for the API's tests and benchmark. */
public final class Telemetry {

    private Telemetry() {
    }

    /** A valid VIN made from {@code n}. */
    public static String vin(int n) {
        return String.format(Locale.ROOT, "1HGCM8263%08d", n);
    }

    public static String topic(String vin) {
        return "cms/data/" + vin + "/telemetry";
    }

    /** The speed message {@code i} reports: distinct per (vehicle, i) so tests can tell messages apart. */
    public static double speed(int vehicle, int i) {
        return (vehicle * 7 + i) % 2000 / 10.0;
    }

    /** A message with a few signals; every third one has no DTC list (read back as null). */
    public static ObjectNode message(int vehicle, long timestamp, int i) {
        String vin = vin(vehicle);
        ObjectNode root = Json.object();
        root.put("vin", vin);
        root.put("timestamp", timestamp);
        ObjectNode v = root.putObject("Vehicle");
        v.put("Speed", speed(vehicle, i));
        v.put("IsMoving", i % 2 == 0);
        ObjectNode loc = v.putObject("CurrentLocation");
        loc.put("Latitude", 47.6 + (i % 1000) / 10000.0);
        loc.put("Longitude", -122.3);
        if (i % 3 != 0) {
            v.putObject("OBD").putArray("DTCList").add("P0A80").add("U0100");
        }
        v.putObject("Powertrain").putObject("TractionBattery").putObject("StateOfCharge").put("Current", (i % 1000) / 10.0);
        return root;
    }

    public static byte[] bytes(ObjectNode message) {
        return Json.write(message).getBytes(StandardCharsets.UTF_8);
    }

    /** The event the IoT rule {@code IotRuleSql.raw()} delivers for {@code message}. */
    public static byte[] ruleEvent(ObjectNode message, long receivedAt) {
        ObjectNode event = message.deepCopy();
        event.put("_topic", topic(message.get("vin").asText()));
        event.put("_received_at", receivedAt);
        event.put("_ts", message.get("timestamp").asLong());
        return bytes(event);
    }
}
