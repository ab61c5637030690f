package io.spendstream.runtime.dlq;

/**
 * A record that cannot be processed, with a stable reason code (e.g. {@code invalid-json}, {@code missing-field},
 * {@code unknown-currency}) and a message a person can act on. Parsers and validators throw it; the topology turns
 * it into a dead letter, never into a dropped record.
 */
public class RejectedRecordException extends RuntimeException {

    private final String reason;

    public RejectedRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedRecordException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
