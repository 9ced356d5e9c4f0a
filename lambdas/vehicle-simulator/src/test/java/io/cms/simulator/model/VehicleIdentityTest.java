package io.cms.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VehicleIdentityTest {

    @Test
    void aLowerCasePrefixGivesTheSameVinsAsUpperCase() {
        for (int i = 1; i <= 20; i++) {
            assertThat(VehicleIdentity.vin("tst", i)).isEqualTo(VehicleIdentity.vin("TST", i));
        }
    }

    @Test
    void numbersBeyondTheSixDigitSerialAreRefusedInsteadOfWrapping() {
        assertThat(VehicleIdentity.vin("TST", VehicleIdentity.MAX_NUMBER)).endsWith("999999");
        assertThatThrownBy(() -> VehicleIdentity.vin("TST", VehicleIdentity.MAX_NUMBER + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> VehicleIdentity.vin("TST", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
