package io.cms.connectstore.alarm;

/** Reads one named value: an SSM parameter or a secret. Implementations throw on missing values. */
@FunctionalInterface
public interface ConfigSource {

    /** The value of {@code name}. */
    String get(String name);
}
