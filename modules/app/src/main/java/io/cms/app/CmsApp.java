package io.cms.app;

import io.cms.constructs.CmsSynth;
import io.cms.constructs.ModuleStackFactory;
import io.cms.modules.alerts.AlertsStackFactory;
import io.cms.modules.api.ApiStackFactory;
import io.cms.modules.auth.AuthStackFactory;
import io.cms.modules.authsetup.AuthSetupStackFactory;
import io.cms.modules.config.ConfigStackFactory;
import io.cms.modules.connectstore.ConnectStoreStackFactory;
import io.cms.modules.provisioning.ProvisioningStackFactory;
import io.cms.modules.vpc.VpcStackFactory;
import java.util.List;

/**
 * The all-modules CDK app: every module's stack in one App and one JVM. Select modules with
 * {@code -c module=<short>[,<short>...]} (or {@code MODULE=...}); all when absent. Whatever the
 * selection, the app also holds the permissions boundary stack {@code {app}-cms-permissions-boundary}
 * (construct id {@code PermissionsBoundary}, see CmsSynth), which {@code make deploy} deploys first.
 */
public final class CmsApp {

    private CmsApp() {
    }

    /** Every module with a CDK app, in deployment order. */
    public static List<ModuleStackFactory> factories() {
        return List.of(
                new VpcStackFactory(),
                new AuthSetupStackFactory(),
                new ConfigStackFactory(),
                new AuthStackFactory(),
                new ProvisioningStackFactory(),
                new ConnectStoreStackFactory(),
                new AlertsStackFactory(),
                new ApiStackFactory());
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(factories(), System.out));
    }
}
