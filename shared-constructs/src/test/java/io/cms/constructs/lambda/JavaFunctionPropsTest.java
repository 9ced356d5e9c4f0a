package io.cms.constructs.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JavaFunctionPropsTest {

    private static JavaFunctionProps.Builder props() {
        return JavaFunctionProps.builder().name("f").lambdaModule("m").handler("h").description("d");
    }

    @Test
    void ephemeralStorageDefaultsToLambdasOwnAndMustBeWithinLambdasRange() {
        assertThat(props().build().ephemeralStorageMb()).isEqualTo(512);
        assertThat(props().ephemeralStorageMb(10_240).build().ephemeralStorageMb()).isEqualTo(10_240);
        assertThatThrownBy(() -> props().ephemeralStorageMb(511).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("512-10240");
        assertThatThrownBy(() -> props().ephemeralStorageMb(10_241).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
