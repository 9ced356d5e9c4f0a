package io.cms.config.handler;

import io.cms.config.DeploymentUuid;
import io.cms.lambda.common.customresource.CustomResourceHandler;
import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResponder;
import io.cms.lambda.common.customresource.CustomResourceResult;

/** Lambda handler of the {@code Custom::DeploymentUuid} resource. */
public final class DeploymentUuidHandler extends CustomResourceHandler {

    private final DeploymentUuid uuid;

    public DeploymentUuidHandler() {
        this(CustomResourceResponder.http(), new DeploymentUuid());
    }

    public DeploymentUuidHandler(CustomResourceResponder responder, DeploymentUuid uuid) {
        super(responder);
        this.uuid = uuid;
    }

    @Override
    protected CustomResourceResult onCreate(CustomResourceRequest request) {
        return uuid.create();
    }

    @Override
    protected CustomResourceResult onUpdate(CustomResourceRequest request) {
        return uuid.keep(request);
    }

    @Override
    protected CustomResourceResult onDelete(CustomResourceRequest request) {
        return CustomResourceResult.of(request.physicalResourceId());
    }
}
