package io.cms.alerts;

import io.cms.lambda.common.Vin;

/**
 * Listing a VIN's notifications and marking one read. A caller sees a VIN's notifications when one
 * of their subscriptions is for that VIN, or when they hold an admin scope.
 */
public final class NotificationQueries {

    /** Page size when the caller gives none. */
    public static final int DEFAULT_LIMIT = 20;

    private final AlertsConfig config;
    private final NotificationStore notifications;
    private final SubscriptionStore subscriptions;

    public NotificationQueries(AlertsConfig config, NotificationStore notifications, SubscriptionStore subscriptions) {
        this.config = config;
        this.notifications = notifications;
        this.subscriptions = subscriptions;
    }

    /** A page of {@code vin}'s notifications, newest first, optionally of one alarm type. */
    public Page<Notification> list(CallerIdentity caller, String vin, String alarmType, Integer limit,
            String nextToken) {
        String checkedVin = Vin.require(vin);
        String topic = alarmType == null ? null : config.topicName(config.requireAlarmType(alarmType), checkedVin);
        requireMaySee(caller, checkedVin);
        return notifications.list(checkedVin, topic, limit == null ? DEFAULT_LIMIT : limit, nextToken);
    }

    /**
     * Marks one notification read and returns it. The flag is fleet-wide (one per notification row):
     * every subscriber of the VIN sees it read afterwards, as with the original's single {@code read}.
     */
    public Notification markRead(CallerIdentity caller, String id) {
        Notification.Key key = Notification.parseId(id);
        Notification notification = notifications.get(key)
                .orElseThrow(() -> new NotFoundException("no notification " + id));
        requireMaySee(caller, notification.vin());
        if (!notifications.markRead(key)) {
            throw new NotFoundException("no notification " + id);
        }
        return new Notification(notification.topic(), notification.timestamp(), notification.vin(),
                notification.alarmType(), notification.message(), notification.createdAt(), true,
                notification.expiresAt());
    }

    private void requireMaySee(CallerIdentity caller, String vin) {
        if (caller.admin()) {
            return;
        }
        boolean subscribed = caller.email() != null
                && subscriptions.byEmail(caller.email()).stream().anyMatch(r -> vin.equals(r.vin()));
        if (!subscribed) {
            throw new AccessDeniedException("you may only see notifications of vehicles you subscribed to");
        }
    }
}
