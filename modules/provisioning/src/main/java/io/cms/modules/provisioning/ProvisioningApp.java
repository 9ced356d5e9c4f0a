package io.cms.modules.provisioning;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Vehicle Provisioning module's own CDK app. */
public final class ProvisioningApp {

    private ProvisioningApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new ProvisioningStackFactory()), System.out));
    }
}
