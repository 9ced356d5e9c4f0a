package io.cms.provisioning.handler;

import io.cms.lambda.common.customresource.CustomResourceHandler;
import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResponder;
import io.cms.lambda.common.customresource.CustomResourceResult;
import io.cms.provisioning.claim.ClaimCertificates;
import io.cms.provisioning.claim.SdkSecretStore;
import io.cms.provisioning.iot.SdkIotRegistry;
import java.util.Map;

/**
 * {@code Custom::ClaimCertificate}: properties {@code SecretName}, {@code KmsKeyId} and
 * {@code PolicyName}. Create and Update load or create the claim certificate and make it usable
 * (attributes {@code CertificateId}, {@code CertificateArn}, {@code SecretArn}); Delete retires and
 * deletes the certificates the secret names and keeps the secret. The physical id is the secret
 * name, so rotation (which changes the certificate) never replaces the resource.
 */
public final class ClaimCertificateHandler extends CustomResourceHandler {

    private final ClaimCertificates certificates;

    public ClaimCertificateHandler() {
        this(CustomResourceResponder.http(), new ClaimCertificates(new SdkIotRegistry(), new SdkSecretStore()));
    }

    public ClaimCertificateHandler(CustomResourceResponder responder, ClaimCertificates certificates) {
        super(responder);
        this.certificates = certificates;
    }

    @Override
    protected CustomResourceResult onCreate(CustomResourceRequest request) {
        return install(request);
    }

    @Override
    protected CustomResourceResult onUpdate(CustomResourceRequest request) {
        return install(request);
    }

    @Override
    protected CustomResourceResult onDelete(CustomResourceRequest request) {
        String secretName = request.properties().get("SecretName");
        if (secretName != null && !secretName.isBlank()) {
            certificates.remove(secretName);
        }
        return CustomResourceResult.of(request.physicalResourceId());
    }

    private CustomResourceResult install(CustomResourceRequest request) {
        String secretName = request.property("SecretName");
        ClaimCertificates.Installed installed = certificates.install(secretName, request.property("KmsKeyId"),
                request.property("PolicyName"));
        return new CustomResourceResult(secretName, Map.of(
                "CertificateId", installed.certificateId(),
                "CertificateArn", installed.certificateArn(),
                "SecretArn", installed.secretArn()));
    }
}
