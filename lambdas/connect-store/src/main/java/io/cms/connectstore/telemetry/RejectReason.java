package io.cms.connectstore.telemetry;

/** Why a telemetry message was refused. The name is what the quarantine record carries. */
public enum RejectReason {
    /** Larger than the configured limit (128 KiB by default); not parsed at all. */
    OVERSIZED,
    /** Not well-formed JSON (or trailing bytes after the document). */
    NOT_JSON,
    /** Well-formed JSON, but an object holds the same key twice (readers disagree on which counts). */
    DUPLICATE_KEY,
    /** Well-formed JSON, but not an object at the top level. */
    NOT_AN_OBJECT,
    /** The topic is not {@code cms/data/{vin}[/...]}. */
    BAD_TOPIC,
    /** Neither {@code vin} nor {@code Vehicle.VehicleIdentification.VIN} is present. */
    NO_VIN,
    /** The VIN is not 17 upper-case letters and digits without I, O, Q. */
    INVALID_VIN,
    /** The VIN of the payload differs from the topic's, or {@code vin} from the body's VIN signal. */
    VIN_MISMATCH,
    /** {@code timestamp} is not epoch milliseconds or ISO 8601, is before 2000, or too far in the future. */
    BAD_TIMESTAMP,
    /** A catalog signal has a value of the wrong JSON type (a string for a float, a fraction for an integer...). */
    WRONG_TYPE,
    /** A catalog signal is outside its bounds or allowed values. */
    OUT_OF_RANGE
}
