package io.cms.local.broker;

/**
 * Who a TLS client certificate belongs to, as far as the broker is concerned.
 *
 * @param certificateId the certificate's id (hex SHA-256 of its DER encoding)
 * @param kind a fleet-provisioning claim certificate, or a provisioned vehicle
 * @param thingName the vehicle's thing name (its VIN); null for claim certificates
 */
public record Principal(String certificateId, Kind kind, String thingName) {

    /** The two kinds of certificates CMS Local accepts. */
    public enum Kind { CLAIM, VEHICLE }
}
