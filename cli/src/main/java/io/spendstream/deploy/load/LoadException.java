package io.spendstream.deploy.load;

/**
 * The load cannot go on at all (file unreadable, no header, Kafka unreachable, topic missing). The command prints
 * the message, without a stack trace, and exits with 2.
 */
public final class LoadException extends RuntimeException {

    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
