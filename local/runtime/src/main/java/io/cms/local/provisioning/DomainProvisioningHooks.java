package io.cms.local.provisioning;

import io.cms.local.iot.LocalIotRegistry;
import io.cms.provisioning.PreProvisionDecision;
import io.cms.provisioning.PreProvisionRequest;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.ThingEvent;
import io.cms.provisioning.iot.IotRegistry;
import java.util.List;
import java.util.Map;

/**
 * Fleet provisioning's hooks answered by the Provisioning module's domain code, exactly as the
 * pre-provisioning Lambda and the thing-event Lambda answer them in AWS.
 */
public final class DomainProvisioningHooks implements ProvisioningHooks {

    private final Provisioning provisioning;

    public DomainProvisioningHooks(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    /**
     * The Provisioning domain as CMS Local runs it: a registration retried after its
     * post-provisioning recorded the activation and then failed is allowed again
     * ({@link Provisioning.RetryAfterActivation#ALLOWED}), since RegisterThing answered that failure
     * with a retryable error and activates the certificate only once post-provisioning succeeded.
     */
    public static Provisioning cmsLocalDomain(ProvisioningStore store, IotRegistry iot, String templateName) {
        return new Provisioning(store, iot, templateName, Provisioning.RetryAfterActivation.ALLOWED);
    }

    @Override
    public Decision preProvision(String claimCertificateId, String certificateId, String certificatePem, String clientId,
                                 Map<String, String> parameters) {
        PreProvisionDecision decision = provisioning.preProvision(new PreProvisionRequest(claimCertificateId, certificateId,
                "arn:aws:iot:local:000000000000:provisioningtemplate/" + provisioning.templateName(), clientId, parameters));
        return decision.allow() ? Decision.allow(decision.parameterOverrides()) : Decision.refuse(decision.reason());
    }

    @Override
    public PostOutcome postProvision(String thingName, String certificateId) {
        Provisioning.PostOutcome outcome = provisioning.postProvision(new ThingEvent("CREATED", thingName,
                thingAttributes(thingName, certificateId, provisioning.templateName())));
        return outcome(outcome);
    }

    @Override
    public boolean stillActive(String thingName, String certificateId) {
        return provisioning.isActiveCertificate(thingName, certificateId);
    }

    @Override
    public void reconcile(String thingName) {
        provisioning.reconcile(thingName);
    }

    /**
     * Hands the certificates to the domain as they are: fleet provisioning already left out the claim
     * certificate and every certificate not ACTIVE ({@link FleetProvisioning#cleanUpAtStart()}).
     */
    @Override
    public void reconcileAll(List<LocalIotRegistry.Certificate> active) {
        provisioning.reconcileAll(active.stream()
                .map(c -> new Provisioning.ActiveInIot(c.certificateId(), c.thingName()))
                .toList());
    }

    /** The domain's outcome as fleet provisioning acts on it: anything but an activation keeps the certificate off. */
    static PostOutcome outcome(Provisioning.PostOutcome outcome) {
        return switch (outcome) {
            case ACTIVATED, ALREADY_ACTIVE -> PostOutcome.ACTIVATE;
            case SUPERSEDED -> PostOutcome.SUPERSEDED;
            case NOT_ALLOWED, UNKNOWN_CERTIFICATE, IGNORED -> PostOutcome.NOT_ALLOWED;
        };
    }

    /** The attributes the provisioning template gives a vehicle's thing (the post-provisioning handler reads them). */
    public static Map<String, String> thingAttributes(String vin, String certificateId, String templateName) {
        return Map.of(Provisioning.ATTR_VIN, vin, Provisioning.ATTR_CERTIFICATE_ID, certificateId,
                Provisioning.ATTR_TEMPLATE, templateName);
    }
}
