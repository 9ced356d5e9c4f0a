package io.cms.modules.vpc;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The VPC module's own CDK app. */
public final class VpcApp {

    private VpcApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new VpcStackFactory()), System.out));
    }
}
