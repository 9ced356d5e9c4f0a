package io.cms.modules.vpc;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the VPC stack to an app. */
public final class VpcStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.VPC;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new VpcStack(scope, context);
    }
}
