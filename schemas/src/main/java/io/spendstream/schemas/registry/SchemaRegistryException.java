package io.spendstream.schemas.registry;

/**
 * The registry refused a request or could not be reached; the message says which registry and why.
 *
 * <p>{@link #isOutage()} separates what may pass by itself (no answer, a 5xx, a 401/403 while credentials are being
 * rotated, 408, 429) from the registry's final word (an unknown schema id, an incompatible schema, a URL that is no
 * registry): callers wait out the first and fail on the second.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Not an HTTP answer: the registry could not be reached (refused, timed out, no route, unknown host). */
    public static final int NO_ANSWER = -1;

    /** Answered, but not over HTTP (an in-process registry): never an outage. */
    public static final int UNKNOWN_STATUS = -2;

    private final int errorCode;
    private final int httpStatus;

    /** An answer without a known HTTP status (an in-process registry). */
    public SchemaRegistryException(String message, int errorCode) {
        this(message, errorCode, UNKNOWN_STATUS);
    }

    /**
     * @param httpStatus the HTTP status the registry answered with, or {@link #NO_ANSWER}
     */
    public SchemaRegistryException(String message, int errorCode, int httpStatus) {
        super(message);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    /** The registry could not be reached (no HTTP answer). */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = -1;
        this.httpStatus = NO_ANSWER;
    }

    /** Confluent error code (e.g. 40401 subject not found, 40403 schema not found, 409 incompatible), or -1. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status of the registry's answer, {@link #NO_ANSWER} when there was none, or
     *         {@link #UNKNOWN_STATUS}. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * True when the failure may end by itself and the request is worth repeating unchanged: no answer, a server
     * error, 401/403 (a registry whose credentials are being rotated answers so for a while), 408, 429.
     */
    public boolean isOutage() {
        return httpStatus == NO_ANSWER || httpStatus >= 500 || httpStatus == 401 || httpStatus == 403
                || httpStatus == 408 || httpStatus == 429;
    }

    /** A short label of the failure for metrics: {@code unreachable}, {@code unauthorized}, {@code http-503}, .... */
    public String kind() {
        if (httpStatus == NO_ANSWER) {
            return "unreachable";
        }
        if (httpStatus == 401 || httpStatus == 403) {
            return "unauthorized";
        }
        return httpStatus >= 500 ? "server-error" : "refused";
    }
}
