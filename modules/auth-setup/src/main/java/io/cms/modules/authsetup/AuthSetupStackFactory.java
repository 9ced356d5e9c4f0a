package io.cms.modules.authsetup;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Auth Setup stack to an app. */
public final class AuthSetupStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.AUTH_SETUP;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new AuthSetupStack(scope, context);
    }
}
