package io.cms.auth.testutils;

import io.cms.auth.AuthSecrets;
import io.cms.lambda.common.ConfigurationException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link AuthSecrets} over maps, failing like the SDK adapter (ConfigurationException) for missing entries. */
public final class InMemoryAuthSecrets implements AuthSecrets {

    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicInteger secretReads = new AtomicInteger();

    /** Stores {@code secretJson} under an ARN and points {@code parameterName} at it. */
    public InMemoryAuthSecrets put(String parameterName, String secretJson) {
        String arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:" + parameterName.replace('/', '-') + "-AbCdEf";
        parameters.put(parameterName, arn);
        secrets.put(arn, secretJson);
        return this;
    }

    /** Replaces the secret a parameter points at. */
    public void replace(String parameterName, String secretJson) {
        secrets.put(parameters.get(parameterName), secretJson);
    }

    public int secretReads() {
        return secretReads.get();
    }

    @Override
    public String parameter(String name) {
        String v = parameters.get(name);
        if (v == null) {
            throw new ConfigurationException("cannot read SSM parameter " + name + ": ParameterNotFound");
        }
        return v;
    }

    @Override
    public String secret(String arn) {
        secretReads.incrementAndGet();
        String v = secrets.get(arn);
        if (v == null) {
            throw new ConfigurationException("cannot read secret " + arn + ": ResourceNotFoundException");
        }
        return v;
    }
}
