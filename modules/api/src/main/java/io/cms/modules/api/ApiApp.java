package io.cms.modules.api;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The API module's own CDK app. */
public final class ApiApp {

    private ApiApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new ApiStackFactory()), System.out));
    }
}
