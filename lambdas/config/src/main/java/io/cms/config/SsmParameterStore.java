package io.cms.config;

import io.cms.lambda.common.AwsClients;
import java.util.Optional;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/** {@link ParameterStore} on AWS Systems Manager. */
public final class SsmParameterStore implements ParameterStore {

    private final SsmClient ssm;

    public SsmParameterStore() {
        this(AwsClients.build(SsmClient.builder()));
    }

    public SsmParameterStore(SsmClient ssm) {
        this.ssm = ssm;
    }

    @Override
    public Optional<String> get(String name) {
        try {
            return Optional.of(ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value());
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        }
    }
}
