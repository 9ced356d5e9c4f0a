package io.cms.local.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.provisioning.Provisioning;
import org.junit.jupiter.api.Test;

class DomainProvisioningHooksTest {

    @Test
    void onlyAnActivationOfTheDomainLetsTheCertificateBecomeActive() {
        for (Provisioning.PostOutcome outcome : Provisioning.PostOutcome.values()) {
            ProvisioningHooks.PostOutcome mapped = DomainProvisioningHooks.outcome(outcome);
            boolean activates = outcome == Provisioning.PostOutcome.ACTIVATED || outcome == Provisioning.PostOutcome.ALREADY_ACTIVE;
            assertThat(mapped == ProvisioningHooks.PostOutcome.ACTIVATE).as(outcome.name()).isEqualTo(activates);
        }
        assertThat(DomainProvisioningHooks.outcome(Provisioning.PostOutcome.SUPERSEDED))
                .isEqualTo(ProvisioningHooks.PostOutcome.SUPERSEDED);
    }
}
