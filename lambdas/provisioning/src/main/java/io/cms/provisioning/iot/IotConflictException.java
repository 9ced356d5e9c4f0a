package io.cms.provisioning.iot;

/** IoT refused an operation because of the resource's current state (e.g. deleting an ACTIVE certificate). */
public class IotConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IotConflictException(String message) {
        super(message);
    }

    public IotConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
