package io.cms.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code publish(vin, alarmType, message)} mutation: validates the alert and hands it to the
 * intake. Invalid input and failed hand-overs are thrown (and become GraphQL errors), never
 * reported as a {@code FAILURE} status inside a successful response as the original did.
 */
public final class AlertPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);

    private final AlertsConfig config;
    private final AlertIntake intake;

    public AlertPublisher(AlertsConfig config, AlertIntake intake) {
        this.config = config;
        this.intake = intake;
    }

    /**
     * Publishes one alert and returns its message id.
     *
     * @throws io.cms.lambda.common.BadInputException when an argument is invalid
     * @throws NotificationFailedException           when the alerts topic did not accept it
     */
    public String publish(String vin, String alarmType, String message) {
        return publish(vin, alarmType, message, null);
    }

    /**
     * As {@link #publish(String, String, String)}, with an optional idempotency key: publishing the
     * same VIN, alarm type and key again (a retry after a timeout) records and emails the alert once.
     */
    public String publish(String vin, String alarmType, String message, String idempotencyKey) {
        Alert alert = Alert.of(vin, alarmType, message, idempotencyKey, config);
        try {
            String id = intake.submit(alert);
            LOG.info("published {} for {} as {}", alert.alarmType(), alert.vin(), id);
            return id;
        } catch (RuntimeException e) {
            LOG.error("could not publish {} for {}", alert.alarmType(), alert.vin(), e);
            throw new NotificationFailedException("the alert could not be published; retry later", e);
        }
    }
}
