package io.cms.modules.api;

import io.cms.constructs.CmsContext;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import software.constructs.Construct;

/** The API module: AppSync GraphQL API over the fleet's latest state and history. */
public class ApiStack extends CmsModuleStack {

    public ApiStack(Construct scope, CmsContext context) {
        super(scope, CmsModule.API, context);
    }
}
