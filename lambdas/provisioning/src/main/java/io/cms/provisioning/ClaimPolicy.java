package io.cms.provisioning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The IoT policy of the shared claim certificate: it can do nothing but fleet provisioning with
 * this one template. It may publish the two requests ({@code $aws/certificates/create/json} or
 * {@code create-from-csr/json}, and {@code $aws/provisioning-templates/{template}/provision/json}) and
 * subscribe to and receive only their {@code accepted}/{@code rejected} replies. Its client id is not
 * known in advance, so Connect is the only grant with a wildcard.
 */
public final class ClaimPolicy {

    private static final Pattern TEMPLATE_NAME = Pattern.compile("^[0-9A-Za-z_-]{1,36}$");

    /**
     * Client ids the claim certificate may connect with. Every vehicle carries the claim
     * certificate: allowed any client id, its holder could connect as a vehicle's VIN and take
     * over (disconnect) that vehicle's session again and again.
     */
    public static final String CLIENT_ID_PREFIX = "provision-";

    private ClaimPolicy() {
    }

    /** The request topics a claim certificate may publish. */
    public static List<String> requestTopics(String templateName) {
        return List.of("$aws/certificates/create/json", "$aws/certificates/create-from-csr/json",
                "$aws/provisioning-templates/" + requireTemplate(templateName) + "/provision/json");
    }

    public static ObjectNode document(String partition, String region, String account, String templateName) {
        String prefix = "arn:" + partition + ":iot:" + region + ":" + account + ":";
        // Reuse the ARN-component checks of the vehicle policy.
        VehiclePolicy.forTemplate(partition, region, account);
        ObjectNode policy = Json.object();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        statement(statements, "ConnectForProvisioning", "iot:Connect").add(prefix + "client/" + CLIENT_ID_PREFIX + "*");
        ArrayNode publish = statement(statements, "PublishProvisioningRequests", "iot:Publish");
        ArrayNode receive = statement(statements, "ReceiveProvisioningReplies", "iot:Receive");
        ArrayNode subscribe = statement(statements, "SubscribeProvisioningReplies", "iot:Subscribe");
        for (String topic : requestTopics(templateName)) {
            publish.add(prefix + "topic/" + topic);
            for (String reply : List.of("/accepted", "/rejected")) {
                receive.add(prefix + "topic/" + topic + reply);
                subscribe.add(prefix + "topicfilter/" + topic + reply);
            }
        }
        return policy;
    }

    private static ArrayNode statement(ArrayNode statements, String sid, String action) {
        ObjectNode s = statements.addObject();
        s.put("Sid", sid);
        s.put("Effect", "Allow");
        s.putArray("Action").add(action);
        return s.putArray("Resource");
    }

    private static String requireTemplate(String name) {
        if (name == null || !TEMPLATE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a provisioning template name is 1-36 letters, digits, '-' or '_', got '"
                    + name + "'");
        }
        return name;
    }
}
