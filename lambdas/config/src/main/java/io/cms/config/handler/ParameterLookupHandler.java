package io.cms.config.handler;

import io.cms.config.ParameterLookup;
import io.cms.config.SsmParameterStore;
import io.cms.lambda.common.EnvConfig;
import io.cms.lambda.common.customresource.CustomResourceHandler;
import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResponder;
import io.cms.lambda.common.customresource.CustomResourceResult;

/**
 * Lambda handler of the {@code Custom::SsmParameters} lookup resource. Environment:
 * {@code ALLOWED_PARAMETER_PREFIX} (e.g. {@code /solution/cms/config/}).
 */
public final class ParameterLookupHandler extends CustomResourceHandler {

    private final ParameterLookup lookup;

    public ParameterLookupHandler() {
        this(CustomResourceResponder.http(), new ParameterLookup(new SsmParameterStore(),
                EnvConfig.fromSystem().required("ALLOWED_PARAMETER_PREFIX")));
    }

    public ParameterLookupHandler(CustomResourceResponder responder, ParameterLookup lookup) {
        super(responder);
        this.lookup = lookup;
    }

    @Override
    protected CustomResourceResult onCreate(CustomResourceRequest request) {
        return lookup.lookup(request);
    }

    @Override
    protected CustomResourceResult onUpdate(CustomResourceRequest request) {
        return lookup.lookup(request);
    }

    @Override
    protected CustomResourceResult onDelete(CustomResourceRequest request) {
        // Nothing was created, so deleting never depends on the parameter still existing.
        return CustomResourceResult.of(request.physicalResourceId());
    }
}
