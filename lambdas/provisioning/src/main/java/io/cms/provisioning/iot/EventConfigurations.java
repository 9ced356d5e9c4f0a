package io.cms.provisioning.iot;

import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.JdkSdkHttpClient;
import software.amazon.awssdk.services.iot.IotClient;
import software.amazon.awssdk.services.iot.model.Configuration;
import software.amazon.awssdk.services.iot.model.EventType;

/**
 * The account's IoT registry event configuration. Post-provisioning runs on
 * {@code $aws/events/thing/...}, which IoT only publishes when THING events are enabled.
 */
public final class EventConfigurations {

    private final IotClient iot;

    /**
     * A client on the JDK HTTP client: UpdateEventConfigurations is an HTTP PATCH, which the
     * URL-connection client of {@link AwsClients} cannot send.
     */
    public EventConfigurations() {
        this(AwsClients.build(IotClient.builder(), JdkSdkHttpClient.create()));
    }

    public EventConfigurations(IotClient iot) {
        this.iot = iot;
    }

    /** Enables THING registry events, leaving every other event type as it is. */
    public void enableThingEvents() {
        iot.updateEventConfigurations(b -> b.eventConfigurationsWithStrings(
                java.util.Map.of(EventType.THING.toString(), Configuration.builder().enabled(true).build())));
    }

    /** Whether THING registry events are enabled. */
    public boolean thingEventsEnabled() {
        Configuration c = iot.describeEventConfigurations(b -> { }).eventConfigurations().get(EventType.THING);
        return c != null && Boolean.TRUE.equals(c.enabled());
    }
}
