package io.cms.modules.config;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Config module's own CDK app. */
public final class ConfigApp {

    private ConfigApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new ConfigStackFactory()), System.out));
    }
}
