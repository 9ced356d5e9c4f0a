package io.cms.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamingTest {

    private final Naming naming = new Naming("fleet-1", CmsModule.CONNECT_STORE);

    @Test
    void buildsTheOriginalNamePatterns() {
        assertThat(naming.lambdaName("vehicle-alarm")).isEqualTo("fleet-1-connect-store-vehicle-alarm");
        assertThat(naming.iotRuleName("iot-save-to-s3")).isEqualTo("fleet_1_connect_store_iot_save_to_s3");
        assertThat(naming.secretName("provisioning-credentials")).isEqualTo("fleet-1/connect-store/provisioning-credentials");
        assertThat(naming.appParameter()).isEqualTo("/solution/fleet-1");
        assertThat(naming.moduleParameter()).isEqualTo("/solution/fleet-1/connect-store");
        assertThat(naming.ssmPath("/glue-database/name/")).isEqualTo("/solution/fleet-1/connect-store/glue-database/name");
        assertThat(naming.ssmPathOf(CmsModule.CONFIG, "deployment-uuid")).isEqualTo("/solution/fleet-1/config/deployment-uuid");
    }

    @Test
    void refusesLambdaNamesOverTheLimit() {
        assertThatThrownBy(() -> naming.lambdaName("x".repeat(60))).hasMessageContaining("longer than 64");
    }

    @Test
    void refusesAnEmptySsmPath() {
        assertThatThrownBy(() -> naming.ssmPath("/")).hasMessageContaining("must not be empty");
    }
}
