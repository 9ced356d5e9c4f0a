package io.cms.local.broker;

import java.util.List;

/**
 * The topics each principal may use: the same rules as the vehicle IoT policy of the
 * Provisioning module. A vehicle may publish and subscribe only under its own VIN; a claim
 * certificate may only talk to the fleet-provisioning topics of the template.
 */
public final class TopicPolicy {

    /** What a grant allows. */
    public enum Activity { PUBLISH, SUBSCRIBE, ALL }

    /**
     * One allowed topic filter.
     *
     * @param topicFilter an MQTT filter
     * @param activity what is allowed on it
     */
    public record Grant(String topicFilter, Activity activity) {
    }

    /** Client ids a claim certificate may connect with: the AWS claim policy's {@code client/provision-*}. */
    public static final String CLAIM_CLIENT_ID_PREFIX = io.cms.provisioning.ClaimPolicy.CLIENT_ID_PREFIX;

    private final String provisioningTemplate;

    public TopicPolicy(String provisioningTemplate) {
        this.provisioningTemplate = provisioningTemplate;
    }

    /** The grants of a principal. */
    public List<Grant> grants(Principal principal) {
        if (principal.kind() == Principal.Kind.CLAIM) {
            String provision = "$aws/provisioning-templates/" + provisioningTemplate + "/provision/json";
            return List.of(
                    new Grant("$aws/certificates/create/json", Activity.PUBLISH),
                    new Grant("$aws/certificates/create/json/+", Activity.SUBSCRIBE),
                    new Grant(provision, Activity.PUBLISH),
                    new Grant(provision + "/+", Activity.SUBSCRIBE));
        }
        String vin = principal.thingName();
        return List.of(
                new Grant("cms/data/" + vin + "/#", Activity.ALL),
                new Grant("cms/notification/" + vin, Activity.ALL),
                new Grant("vehicleactive/" + vin, Activity.ALL));
    }

    /** The template whose topics claim certificates may use. */
    public String provisioningTemplate() {
        return provisioningTemplate;
    }
}
