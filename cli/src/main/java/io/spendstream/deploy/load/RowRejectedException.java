package io.spendstream.deploy.load;

/** Thrown by a {@link RowShaper} for a row the loader will not send: a reason code and a human message. */
public final class RowRejectedException extends RuntimeException {

    private final String reason;

    RowRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
