package io.cms.local;

/** What {@code cms local up} prints once everything runs: where each part is and what to try next. */
final class LocalBanner {

    private LocalBanner() {
    }

    static String of(CmsLocal local) {
        CmsLocalSettings s = local.settings();
        StringBuilder b = new StringBuilder();
        b.append("CMS Local is running (data directory ").append(s.dataDir().toAbsolutePath()).append(")\n");
        line(b, "MQTT (TLS, client certs)", "mqtts://127.0.0.1:" + local.mqttPort());
        line(b, "  CA certificate", local.caFile().toAbsolutePath().toString());
        line(b, "  claim certificate", local.claimCertificateFile().toAbsolutePath().toString());
        line(b, "  provisioning template", s.provisioningTemplate());
        line(b, "DynamoDB Local", local.dynamo().endpoint().toString());
        line(b, "Vehicle API (GraphQL)", local.url(CmsLocal.API_PATH));
        line(b, "Alerts publish API", local.url(CmsLocal.ALERTS_PUBLISH_PATH));
        line(b, "Alerts frontend API", local.url(CmsLocal.ALERTS_FRONTEND_PATH));
        line(b, "OIDC issuer", local.auth().issuer().issuerUrl());
        line(b, "Lake (AWS key layout)", local.lakeRoot().toAbsolutePath().toString());
        line(b, "Alerts outbox", local.alerts().outbox().directory().toAbsolutePath().toString());
        b.append("Try (from the repository root; `local/cli/bin` on PATH gives plain `cms`):\n");
        b.append("  local/cli/bin/cms vehicle setup --vin 5YJ3E1EA7KF317000\n");
        b.append("  local/cli/bin/cms simulate --vehicles 10 --duration 60s\n");
        b.append("  local/cli/bin/cms query vehicles\n");
        b.append("Stop with Ctrl-C.\n");
        return b.toString();
    }

    private static void line(StringBuilder b, String what, String where) {
        b.append(String.format("  %-26s %s%n", what, where));
    }
}
