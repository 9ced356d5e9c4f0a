package io.cms.modules.alerts;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import software.constructs.Construct;

/** Contributes the Alerts stack to an app. */
public final class AlertsStackFactory implements ModuleStackFactory {

    @Override
    public CmsModule module() {
        return CmsModule.ALERTS;
    }

    @Override
    public CmsModuleStack create(Construct scope, CmsContext context) {
        return new AlertsStack(scope, context);
    }
}
