package io.cms.constructs.lambda;

import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Properties of a {@link JavaFunction}. Defaults live here, apart from the build code.
 *
 * @param name the function's name suffix; the physical name is {@code {app}-{short}-{name}}
 * @param lambdaModule the {@code lambdas/<module>} folder whose jar holds the handler
 * @param handler the handler, e.g. {@code io.cms.config.handler.DeploymentUuidHandler}
 * @param description what the function does
 * @param memoryMb memory; default 1024 (Java cold starts scale with CPU, which scales with memory)
 * @param timeout default 60 seconds
 * @param environment extra environment variables; default none
 * @param logRetention default three months, as in the original
 * @param vpc optional VPC placement; default none
 * @param vpcSubnets subnets when {@code vpc} is set; default private with egress
 * @param securityGroup optional security group when {@code vpc} is set; default a new one
 * @param deadLetterQueue whether async invocations that fail land in an encrypted SQS DLQ; default false
 * @param snapStart whether SnapStart is enabled on published versions; default true
 * @param ephemeralStorageMb size of {@code /tmp} in MiB, 512-10240; default 512 (Lambda's default)
 */
public record JavaFunctionProps(
        String name,
        String lambdaModule,
        String handler,
        String description,
        int memoryMb,
        Duration timeout,
        Map<String, String> environment,
        RetentionDays logRetention,
        IVpc vpc,
        SubnetSelection vpcSubnets,
        ISecurityGroup securityGroup,
        boolean deadLetterQueue,
        boolean snapStart,
        int ephemeralStorageMb) {

    public static final int DEFAULT_MEMORY_MB = 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.seconds(60);
    public static final RetentionDays DEFAULT_LOG_RETENTION = RetentionDays.THREE_MONTHS;
    public static final int DEFAULT_EPHEMERAL_STORAGE_MB = 512;
    /** The most {@code /tmp} Lambda gives a function. */
    public static final int MAX_EPHEMERAL_STORAGE_MB = 10_240;

    public JavaFunctionProps {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lambdaModule, "lambdaModule");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(description, "description");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        if (ephemeralStorageMb < DEFAULT_EPHEMERAL_STORAGE_MB || ephemeralStorageMb > MAX_EPHEMERAL_STORAGE_MB) {
            throw new IllegalArgumentException("ephemeralStorageMb must be " + DEFAULT_EPHEMERAL_STORAGE_MB + "-"
                    + MAX_EPHEMERAL_STORAGE_MB + ", got " + ephemeralStorageMb);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private String name;
        private String lambdaModule;
        private String handler;
        private String description;
        private int memoryMb = DEFAULT_MEMORY_MB;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Map<String, String> environment = Map.of();
        private RetentionDays logRetention = DEFAULT_LOG_RETENTION;
        private IVpc vpc;
        private SubnetSelection vpcSubnets;
        private ISecurityGroup securityGroup;
        private boolean deadLetterQueue;
        private boolean snapStart = true;
        private int ephemeralStorageMb = DEFAULT_EPHEMERAL_STORAGE_MB;

        public Builder name(String v) { this.name = v; return this; }
        public Builder lambdaModule(String v) { this.lambdaModule = v; return this; }
        public Builder handler(String v) { this.handler = v; return this; }
        public Builder description(String v) { this.description = v; return this; }
        public Builder memoryMb(int v) { this.memoryMb = v; return this; }
        public Builder timeout(Duration v) { this.timeout = v; return this; }
        public Builder environment(Map<String, String> v) { this.environment = v; return this; }
        public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
        public Builder vpc(IVpc v) { this.vpc = v; return this; }
        public Builder vpcSubnets(SubnetSelection v) { this.vpcSubnets = v; return this; }
        public Builder securityGroup(ISecurityGroup v) { this.securityGroup = v; return this; }
        public Builder deadLetterQueue(boolean v) { this.deadLetterQueue = v; return this; }
        public Builder snapStart(boolean v) { this.snapStart = v; return this; }
        public Builder ephemeralStorageMb(int v) { this.ephemeralStorageMb = v; return this; }

        public JavaFunctionProps build() {
            return new JavaFunctionProps(name, lambdaModule, handler, description, memoryMb, timeout, environment,
                    logRetention, vpc, vpcSubnets, securityGroup, deadLetterQueue, snapStart, ephemeralStorageMb);
        }
    }
}
