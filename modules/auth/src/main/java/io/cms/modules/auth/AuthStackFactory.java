package io.cms.modules.auth;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Auth stack to an app. */
public final class AuthStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.AUTH;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new AuthStack(scope, context);
    }
}
