package io.cms.local.broker;

import io.cms.provisioning.ClaimPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The topics each principal may use: the same rules as the vehicle IoT policy of the
 * Provisioning module. A vehicle may publish and subscribe only under its own VIN; a claim
 * certificate may only talk to the fleet-provisioning topics of the template: the request topics of
 * the AWS claim policy ({@link ClaimPolicy#requestTopics}) and their replies.
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
    public static final String CLAIM_CLIENT_ID_PREFIX = ClaimPolicy.CLIENT_ID_PREFIX;

    private final String provisioningTemplate;
    private final List<Grant> claimGrants;

    /**
     * @param provisioningTemplate the fleet-provisioning template claim certificates may use
     * @throws IllegalArgumentException when the name is not a valid template name
     */
    public TopicPolicy(String provisioningTemplate) {
        this.provisioningTemplate = provisioningTemplate;
        List<Grant> grants = new ArrayList<>();
        for (String request : ClaimPolicy.requestTopics(provisioningTemplate)) {
            grants.add(new Grant(request, Activity.PUBLISH));
            // The replies, exactly as the AWS claim policy names them (a "/+" filter is refused there too).
            grants.add(new Grant(request + "/accepted", Activity.SUBSCRIBE));
            grants.add(new Grant(request + "/rejected", Activity.SUBSCRIBE));
        }
        this.claimGrants = List.copyOf(grants);
    }

    /** The grants of a principal. */
    public List<Grant> grants(Principal principal) {
        if (principal.kind() == Principal.Kind.CLAIM) {
            return claimGrants;
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
