package io.cms.modules.connectstore;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Connect & Store stack to an app. */
public final class ConnectStoreStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.CONNECT_STORE;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new ConnectStoreStack(scope, context);
    }
}
