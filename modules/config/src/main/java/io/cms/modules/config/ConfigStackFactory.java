package io.cms.modules.config;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Config stack to an app. */
public final class ConfigStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.CONFIG;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new ConfigStack(scope, context);
    }
}
