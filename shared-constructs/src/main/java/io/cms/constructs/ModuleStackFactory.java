package io.cms.constructs;

import software.constructs.Construct;

/** How a module contributes its stack to an app; each module ships one implementation. */
public interface ModuleStackFactory {

    /** The module this factory builds. */
    CmsModule module();

    /** Builds the module's stack in {@code scope} (an App). */
    CmsModuleStack create(Construct scope, CmsContext context);
}
