package io.cms.provisioning.iot;

/** The certificate or thing an operation names does not exist in IoT. */
public class IotNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IotNotFoundException(String message) {
        super(message);
    }

    public IotNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
