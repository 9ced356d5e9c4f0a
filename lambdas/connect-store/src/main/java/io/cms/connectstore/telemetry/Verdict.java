package io.cms.connectstore.telemetry;

/** The outcome of validating one message: accepted with its typed values, or rejected with a reason. */
public sealed interface Verdict permits Verdict.Accepted, Verdict.Rejected {

    /**
     * A valid message.
     *
     * @param telemetry the typed values
     */
    record Accepted(Telemetry telemetry) implements Verdict {
    }

    /**
     * A refused message.
     *
     * @param reason the failure kind
     * @param detail what exactly is wrong (names the field; never echoes the whole payload)
     * @param wellFormedJson whether the payload is well-formed JSON (so it can be embedded as JSON
     *     in the quarantine record rather than as base64)
     */
    record Rejected(RejectReason reason, String detail, boolean wellFormedJson) implements Verdict {
    }
}
