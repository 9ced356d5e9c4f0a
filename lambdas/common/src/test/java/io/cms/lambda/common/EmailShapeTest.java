package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailShapeTest {

    @Test
    void acceptsAddressesOfTheUsualShape() {
        assertThat(EmailShape.plausible("ops@example.com")).isTrue();
        assertThat(EmailShape.plausible("first.last+fleet@sub.example.co.uk")).isTrue();
        assertThat(EmailShape.plausible("x".repeat(64) + "@example.com")).isTrue();
    }

    @Test
    void refusesEverythingElse() {
        for (String bad : new String[] {null, "", "ops", "ops@", "@example.com", "ops@example", "ops@@example.com",
                "o ps@example.com", "ops@example.com\n", "x".repeat(65) + "@example.com",
                "a@" + "b".repeat(250) + ".com"}) {
            assertThat(EmailShape.plausible(bad)).as("%s", bad).isFalse();
        }
    }
}
