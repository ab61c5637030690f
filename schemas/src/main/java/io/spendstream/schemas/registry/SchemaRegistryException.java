package io.spendstream.schemas.registry;

/** The registry refused a request or could not be reached; the message says which registry and why. */
public class SchemaRegistryException extends RuntimeException {

    private final int errorCode;

    public SchemaRegistryException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = -1;
    }

    /** Confluent error code (e.g. 40401 subject not found, 40403 schema not found, 409 incompatible), or -1. */
    public int errorCode() {
        return errorCode;
    }
}
