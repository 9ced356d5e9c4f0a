package io.cms.provisioning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.Vin;
import java.util.List;
import java.util.Locale;

/**
 * The IoT policy of a provisioned vehicle. A vehicle may connect only with its own thing name as
 * client id (and only while its certificate is attached to that thing), and may publish, subscribe
 * and receive only on its own topics: {@code cms/data/{vin}} and below, {@code cms/notification/{vin}}
 * and {@code vehicleactive/{vin}}. ARNs are built from the partition, so the same policy works in
 * {@code aws}, {@code aws-cn} and {@code aws-us-gov}.
 *
 * <p>{@link #forTemplate} uses the {@code iot:Connection.Thing.ThingName} policy variable (thing name
 * = VIN), so one policy serves every vehicle; {@link #forVin} writes one VIN in, for brokers that do
 * not evaluate policy variables (CMS Local) and for reading.
 */
public final class VehiclePolicy {

    /** The IoT policy variable naming the connected thing. */
    public static final String THING_NAME_VARIABLE = "${iot:Connection.Thing.ThingName}";

    private VehiclePolicy() {
    }

    /** The partition of a region: {@code aws-cn} for {@code cn-*}, {@code aws-us-gov} for {@code us-gov-*}, and so on. */
    public static String partitionOf(String region) {
        String r = requireToken("region", region).toLowerCase(Locale.ROOT);
        if (r.startsWith("cn-")) {
            return "aws-cn";
        }
        if (r.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (r.startsWith("us-isob-")) {
            return "aws-iso-b";
        }
        if (r.startsWith("us-iso-")) {
            return "aws-iso";
        }
        if (r.startsWith("eusc-")) {
            return "aws-eusc";
        }
        return "aws";
    }

    /** The policy every vehicle gets from the provisioning template (policy variables, one document for all). */
    public static ObjectNode forTemplate(String partition, String region, String account) {
        return document(partition, region, account, THING_NAME_VARIABLE, true);
    }

    /** The same policy written out for one VIN. */
    public static ObjectNode forVin(String partition, String region, String account, String vin) {
        return document(partition, region, account, Vin.require(vin), false);
    }

    /** The MQTT topics (for publish) a vehicle may use, in policy-resource form relative to {@code topic/}. */
    public static List<String> topics(String thing) {
        return List.of("cms/data/" + thing, "cms/data/" + thing + "/*", "cms/notification/" + thing,
                "vehicleactive/" + thing);
    }

    private static ObjectNode document(String partition, String region, String account, String thing,
                                       boolean requireAttached) {
        String prefix = "arn:" + requireToken("partition", partition) + ":iot:" + requireToken("region", region)
                + ":" + requireToken("account", account) + ":";
        ObjectNode policy = Json.object();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");

        ObjectNode connect = statement(statements, "ConnectAsOwnThing", "iot:Connect");
        connect.putArray("Resource").add(prefix + "client/" + thing);
        if (requireAttached) {
            connect.putObject("Condition").putObject("Bool").put("iot:Connection.Thing.IsAttached", "true");
        }

        ArrayNode publish = statement(statements, "PublishOwnTopics", "iot:Publish").putArray("Resource");
        ArrayNode receive = statement(statements, "ReceiveOwnTopics", "iot:Receive").putArray("Resource");
        ArrayNode subscribe = statement(statements, "SubscribeOwnTopics", "iot:Subscribe").putArray("Resource");
        for (String topic : topics(thing)) {
            publish.add(prefix + "topic/" + topic);
            receive.add(prefix + "topic/" + topic);
            subscribe.add(prefix + "topicfilter/" + topic);
        }
        return policy;
    }

    private static ObjectNode statement(ArrayNode statements, String sid, String action) {
        ObjectNode s = statements.addObject();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        s.putArray("Action").add(action);
        return s;
    }

    private static String requireToken(String name, String value) {
        // Plain values ("aws", "eu-west-1", "123456789012") or CDK tokens; never anything that could break an ARN.
        if (value == null || value.isBlank() || !value.chars().noneMatch(c -> c == ':' || c == '"' || c == '/'
                || Character.isWhitespace(c))) {
            throw new IllegalArgumentException(name + " must be a plain ARN component, got '" + value + "'");
        }
        return value;
    }
}
