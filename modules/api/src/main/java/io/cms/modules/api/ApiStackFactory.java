package io.cms.modules.api;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the API stack to an app. */
public final class ApiStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.API;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new ApiStack(scope, context);
    }
}
