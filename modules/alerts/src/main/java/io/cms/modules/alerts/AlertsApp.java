package io.cms.modules.alerts;

import io.cms.constructs.CmsSynth;
import java.util.List;

/** The Alerts module's own CDK app. */
public final class AlertsApp {

    private AlertsApp() {
    }

    public static void main(String[] args) {
        System.exit(CmsSynth.run(List.of(new AlertsStackFactory()), System.out));
    }
}
