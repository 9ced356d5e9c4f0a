package io.cms.local.provisioning;

import io.cms.local.iot.LocalIotRegistry;
import java.util.List;
import java.util.Map;

/**
 * What fleet provisioning asks the Provisioning module's domain code: the pre-provisioning hook
 * (may this VIN be provisioned with this certificate?) and the post-provisioning work (record the
 * activation, retire older certificates), whose answer decides whether the certificate may become
 * ACTIVE.
 */
public interface ProvisioningHooks {

    /**
     * The pre-provisioning decision.
     *
     * @param allow whether provisioning may go on
     * @param parameterOverrides template parameters to override (e.g. the sanitised VIN)
     * @param reason why it was refused (shown to the device in the rejected reply)
     */
    record Decision(boolean allow, Map<String, String> parameterOverrides, String reason) {
        public Decision {
            parameterOverrides = parameterOverrides == null ? Map.of() : Map.copyOf(parameterOverrides);
        }

        public static Decision allow(Map<String, String> overrides) {
            return new Decision(true, overrides, null);
        }

        public static Decision refuse(String reason) {
            return new Decision(false, Map.of(), reason);
        }
    }

    /** Called before anything is created, like the IoT pre-provisioning hook Lambda. */
    Decision preProvision(String claimCertificateId, String certificateId, String certificatePem, String clientId,
                          Map<String, String> parameters);

    /** What post-provisioning decided about a registered certificate. */
    enum PostOutcome {
        /** The certificate is the thing's active one (newly or again): it may become ACTIVE. */
        ACTIVATE,
        /** A newer certificate of the same thing won; this one was retired. */
        SUPERSEDED,
        /** The thing may not (or no longer) provision with this certificate; it was retired or never recorded. */
        NOT_ALLOWED
    }

    /**
     * The thing-event rule's work, called once pre-provisioning allowed the certificate and while it
     * is still INACTIVE and unattached: fleet provisioning attaches it to the thing and activates it
     * only on {@link PostOutcome#ACTIVATE}, so a certificate post-provisioning did not activate is
     * never usable.
     */
    PostOutcome postProvision(String thingName, String certificateId);

    /**
     * Whether the certificate is still the thing's ACTIVE one, asked once fleet provisioning has
     * attached it and made it ACTIVE: a revocation that landed after post-provisioning saw the
     * certificate INACTIVE in the registry and so could not deactivate it. On false (or a failure)
     * the certificate is deactivated, detached and deleted.
     */
    boolean stillActive(String thingName, String certificateId);

    /**
     * Repairs one thing whose registry certificates disagree with the domain, when the ownership
     * token of a registration whose post-provisioning failed expired: certificates ACTIVE in the
     * registry that the domain retired are retired; an ACTIVE certificate of the domain that is gone
     * from the registry is reported.
     */
    void reconcile(String thingName);

    /**
     * {@link #reconcile(String)} for every thing, at start (after the ownership tokens were lost),
     * and retires every certificate ACTIVE in the registry that the domain does not account for (no
     * row, no thing, or a VIN no longer authorized).
     *
     * @param active the registry's ACTIVE certificates, without the claim certificate
     */
    void reconcileAll(List<LocalIotRegistry.Certificate> active);
}
