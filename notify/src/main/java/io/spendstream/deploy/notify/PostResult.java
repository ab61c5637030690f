package io.spendstream.deploy.notify;

/**
 * What a target made of one POST: accepted (2xx), rejected for good (a 4xx other than 408/429: the payload or the
 * URL is wrong, and sending the same request again cannot help), or worth retrying (5xx, 408, 429, no connection,
 * timeout). {@code detail} says which status or error, for logs and dead letters.
 */
public record PostResult(Outcome outcome, String detail) {

    public enum Outcome { ACCEPTED, REJECTED, RETRY }

    public static PostResult accepted(int status) {
        return new PostResult(Outcome.ACCEPTED, "HTTP " + status);
    }

    public static PostResult rejected(String detail) {
        return new PostResult(Outcome.REJECTED, detail);
    }

    public static PostResult retry(String detail) {
        return new PostResult(Outcome.RETRY, detail);
    }

    /** Classifies an HTTP status; {@code body} (possibly truncated) goes into the detail of a failure. */
    public static PostResult ofStatus(int status, String body) {
        if (status >= 200 && status < 300) {
            return accepted(status);
        }
        String detail = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + body.strip());
        // 408 and 429 say "not now", not "never".
        if (status == 408 || status == 429 || status >= 500) {
            return retry(detail);
        }
        return rejected(detail);
    }
}
