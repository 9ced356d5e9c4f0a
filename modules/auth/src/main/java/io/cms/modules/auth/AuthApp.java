package io.cms.modules.auth;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Auth module's own CDK app. */
public final class AuthApp {

    private AuthApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new AuthStackFactory()), System.out));
    }
}
