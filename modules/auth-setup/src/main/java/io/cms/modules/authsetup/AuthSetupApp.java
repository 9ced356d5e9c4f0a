package io.cms.modules.authsetup;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Auth Setup module's own CDK app. */
public final class AuthSetupApp {

    private AuthSetupApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new AuthSetupStackFactory()), System.out));
    }
}
