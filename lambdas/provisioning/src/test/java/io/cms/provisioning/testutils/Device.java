package io.cms.provisioning.testutils;

import io.cms.provisioning.PreProvisionDecision;
import io.cms.provisioning.PreProvisionRequest;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ThingEvent;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotNotFoundException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vehicle provisioning by claim, end to end through the IoT fake: CreateKeysAndCertificate,
 * the pre-provisioning hook, RegisterThing (thing attributes, attach, activate) and the thing event
 * delivered to post-provisioning, in that order, as IoT runs them.
 */
public final class Device {

    /** The claim certificate every test device connects with. */
    public static final String CLAIM_CERTIFICATE_ID = "c1a1" + "0".repeat(60);

    /**
     * What happened.
     *
     * @param certificateId the device's new certificate
     * @param decision the pre-provisioning answer
     * @param registered whether RegisterThing completed (false when refused or the certificate was retired meanwhile)
     * @param outcome post-provisioning's outcome, or null when there was no thing event
     */
    public record Result(String certificateId, PreProvisionDecision decision, boolean registered,
                         Provisioning.PostOutcome outcome) {
    }

    private Device() {
    }

    public static Result provision(InMemoryIotRegistry iot, Provisioning provisioning, String vin) {
        String certificateId = iot.createCertificate();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("vin", vin);
        PreProvisionDecision decision = provisioning.preProvision(new PreProvisionRequest(CLAIM_CERTIFICATE_ID,
                certificateId, "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/" + provisioning.templateName(),
                "device-" + certificateId.substring(0, 8), parameters));
        if (!decision.allow()) {
            return new Result(certificateId, decision, false, null);
        }
        String thing = decision.parameterOverrides().getOrDefault("vin", vin);
        InMemoryIotRegistry.ThingEventSnapshot event;
        try {
            event = iot.registerThing(thing, Map.of(Provisioning.ATTR_VIN, thing,
                    Provisioning.ATTR_CERTIFICATE_ID, certificateId,
                    Provisioning.ATTR_TEMPLATE, provisioning.templateName()), certificateId, "cms-vehicle-policy");
        } catch (IotNotFoundException e) {
            return new Result(certificateId, decision, false, null);
        }
        Provisioning.PostOutcome outcome = provisioning.postProvision(
                new ThingEvent(event.operation(), event.thingName(), event.attributes()));
        return new Result(certificateId, decision, true, outcome);
    }
}
