package io.cms.modules.provisioning;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Vehicle Provisioning stack to an app. */
public final class ProvisioningStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.PROVISIONING;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new ProvisioningStack(scope, context);
    }
}
