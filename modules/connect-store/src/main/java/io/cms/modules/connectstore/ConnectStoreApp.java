package io.cms.modules.connectstore;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Connect & Store module's own CDK app. */
public final class ConnectStoreApp {

    private ConnectStoreApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new ConnectStoreStackFactory()), System.out));
    }
}
