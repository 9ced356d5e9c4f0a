package io.cms.config;

import java.util.Optional;

/** Read access to SSM parameters. */
public interface ParameterStore {

    /** The value of a parameter, or empty when it does not exist. */
    Optional<String> get(String name);
}
