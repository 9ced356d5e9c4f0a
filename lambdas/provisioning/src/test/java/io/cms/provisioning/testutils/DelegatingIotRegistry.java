package io.cms.provisioning.testutils;

import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.iot.IotRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link IotRegistry} passing every call to another; a test overrides the call it disturbs. */
public class DelegatingIotRegistry implements IotRegistry {

    private final IotRegistry delegate;

    public DelegatingIotRegistry(IotRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<IotCertificate> describeCertificate(String certificateId) {
        return delegate.describeCertificate(certificateId);
    }

    @Override
    public void updateCertificateStatus(String certificateId, IotCertificateStatus status) {
        delegate.updateCertificateStatus(certificateId, status);
    }

    @Override
    public List<String> thingPrincipals(String thingName) {
        return delegate.thingPrincipals(thingName);
    }

    @Override
    public void detachThingPrincipal(String thingName, String certificateArn) {
        delegate.detachThingPrincipal(thingName, certificateArn);
    }

    @Override
    public void deleteCertificate(String certificateId) {
        delegate.deleteCertificate(certificateId);
    }

    @Override
    public Optional<Map<String, String>> thingAttributes(String thingName) {
        return delegate.thingAttributes(thingName);
    }
}
