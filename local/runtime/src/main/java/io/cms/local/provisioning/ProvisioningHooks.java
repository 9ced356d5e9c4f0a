package io.cms.local.provisioning;

import java.util.Map;

/**
 * What fleet provisioning asks the Provisioning module's domain code: the pre-provisioning hook
 * (may this VIN be provisioned with this certificate?) and what to do once the certificate is
 * active (retire older certificates, record the activation).
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

    /** Called after the thing exists and the certificate is ACTIVE, like the thing-event rule. */
    void postProvision(String thingName, String certificateId);
}
