package io.cms.provisioning.iot;

import java.util.List;
import java.util.Optional;

/**
 * The few AWS IoT control-plane operations Vehicle Provisioning needs, all scoped to one
 * certificate or one thing: nothing here lists every certificate of the account.
 *
 * <p>Implementations follow IoT's state rules: an ACTIVE certificate cannot be deleted, a
 * certificate attached to a thing cannot be deleted, and operations on a missing certificate or
 * thing report it as absent rather than failing.
 */
public interface IotRegistry {

    /** A certificate's id, ARN and status, or empty when IoT does not know it. */
    Optional<IotCertificate> describeCertificate(String certificateId);

    /**
     * Sets a certificate's status.
     *
     * @throws IotConflictException when IoT refuses the transition
     * @throws IotNotFoundException when the certificate does not exist
     */
    void updateCertificateStatus(String certificateId, IotCertificateStatus status);

    /** The principals (certificate ARNs) attached to a thing; empty when the thing does not exist. */
    List<String> thingPrincipals(String thingName);

    /** Detaches a certificate from a thing; detaching what is not attached is a no-op. */
    void detachThingPrincipal(String thingName, String certificateArn);

    /**
     * Deletes a certificate, detaching its policies first (IoT's {@code forceDelete}).
     *
     * @throws IotConflictException when it is ACTIVE or still attached to a thing
     * @throws IotNotFoundException when the certificate does not exist
     */
    void deleteCertificate(String certificateId);

    /** The attributes of a thing, or empty when it does not exist. */
    Optional<java.util.Map<String, String>> thingAttributes(String thingName);
}
