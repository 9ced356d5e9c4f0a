package io.cms.provisioning.handler;

import io.cms.lambda.common.customresource.CustomResourceHandler;
import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResponder;
import io.cms.lambda.common.customresource.CustomResourceResult;
import io.cms.provisioning.iot.EventConfigurations;

/**
 * {@code Custom::IotThingEvents}: turns on IoT registry THING events on Create and Update, so the
 * post-provisioning rule receives thing events. Delete leaves them on: other deployments in the
 * account may rely on them, and leaving them on costs nothing while no rule listens.
 */
public final class EventConfigurationHandler extends CustomResourceHandler {

    private final EventConfigurations events;

    public EventConfigurationHandler() {
        this(CustomResourceResponder.http(), new EventConfigurations());
    }

    public EventConfigurationHandler(CustomResourceResponder responder, EventConfigurations events) {
        super(responder);
        this.events = events;
    }

    @Override
    protected CustomResourceResult onCreate(CustomResourceRequest request) {
        events.enableThingEvents();
        return CustomResourceResult.of("iot-thing-events");
    }

    @Override
    protected CustomResourceResult onUpdate(CustomResourceRequest request) {
        events.enableThingEvents();
        return CustomResourceResult.of(request.physicalResourceId());
    }

    @Override
    protected CustomResourceResult onDelete(CustomResourceRequest request) {
        return CustomResourceResult.of(request.physicalResourceId());
    }
}
